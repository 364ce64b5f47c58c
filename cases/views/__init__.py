"""Staff and portal pages of a case, one module per concern (see cases/urls.py)."""
