"""OpenAPI schema parts shared by every operation: the problem document, error responses."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from imr.api.errors import PROBLEM_CONTENT_TYPE


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, the body of every error response."""

    type = serializers.CharField(help_text='A URN naming the kind of problem, e.g. "…:invalid".')
    title = serializers.CharField(help_text="A short summary of that kind of problem.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong with this request, in words.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Messages by field ("member.name"; "non_field_errors" for the whole request).',
    )


_PROBLEM_RESPONSES = {
    "400": "The input has problems; `errors` names each field.",
    "401": "No valid session or token.",
    "403": "Your role may not do this.",
    "404": "No such resource, or not one you may see.",
    "409": "The case is not in a state that allows this, or changed meanwhile.",
    "412": "If-Match does not match the current version.",
    "415": "Unsupported content type.",
    "429": "Too many requests with this token; see Retry-After.",
}


class Nullable:
    """A response that is the serializer's object, or JSON null when there is none yet."""

    def __init__(self, serializer: type[serializers.Serializer]) -> None:
        self.serializer = serializer


class ProblemAutoSchema(AutoSchema):
    """Documents the problem responses an operation can give, besides its success.

    Also: `Nullable(Serializer)` responses, and read-only choice fields of model fields
    with blank=True, whose "" DRF's generated field does not declare.
    """

    def _get_response_for_code(self, serializer: object, *args: object, **kwargs: object) -> dict:
        if not isinstance(serializer, Nullable):
            return super()._get_response_for_code(serializer, *args, **kwargs)
        response = super()._get_response_for_code(serializer.serializer, *args, **kwargs)
        for content in response.get("content", {}).values():
            content["schema"] = {"allOf": [content["schema"]], "nullable": True}
        return response

    def _map_serializer_field(self, field: object, direction: str, *args: object, **kw: object):
        if isinstance(field, serializers.ChoiceField) and field.read_only:
            model = getattr(getattr(field.parent, "Meta", None), "model", None)
            try:
                blank = model is not None and model._meta.get_field(field.source).blank
            except Exception:  # a source that is not a model field
                blank = False
            field.allow_blank = field.allow_blank or blank
        return super()._map_serializer_field(field, direction, *args, **kw)

    def get_operation(self, *args: object, **kwargs: object) -> dict | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        problem = self.resolve_serializer(ProblemSerializer, "response").ref
        responses = operation.setdefault("responses", {})
        for code in self._problem_codes(operation):
            responses.setdefault(
                code,
                {
                    "description": _PROBLEM_RESPONSES[code],
                    "content": {PROBLEM_CONTENT_TYPE: {"schema": problem}},
                },
            )
        return operation

    def _problem_codes(self, operation: dict) -> list[str]:
        parameters = operation.get("parameters", [])
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        codes = ["401", "403", "429"]
        if writes or any(p["in"] == "query" for p in parameters):
            codes.append("400")
        if any(p["in"] in ("path", "query") for p in parameters):
            codes.append("404")  # an absent object, or a page past the end
        if writes:
            codes += ["409", "415"]
        if self.method in ("PUT", "PATCH"):
            codes.append("412")
        return sorted(codes)
