"""The REST API of a case (R-API-1), one module per concern (see cases/api/urls.py)."""
