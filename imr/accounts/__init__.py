"""The signed-in person's own account: sign-in, second factor, password, re-entering the
password before a signature act, and their own API tokens (R-SEC-2, R-SEC-8).

Part of the project (`imr/`), not an app: it owns no tables beyond django-otp's devices
and imr.ApiToken, and every page here is about the account, never about a case.
"""
