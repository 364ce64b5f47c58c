"""The API's JSON renderer (REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"])."""

from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON, except that None is `null` rather than an empty body with no type.

    Endpoints such as a case's assignment answer null while there is none; the schema
    documents that (imr.api_schema.Nullable).
    """

    def render(self, data: object, accepted_media_type: str | None = None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if data is None and getattr(response, "status_code", 200) != 204:
            return b"null"
        return super().render(data, accepted_media_type, renderer_context)
