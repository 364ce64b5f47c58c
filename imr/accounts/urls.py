from django.urls import path

from imr.accounts import views

app_name = "account"

urlpatterns = [
    path("", views.account, name="home"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("second-factor/", views.verify, name="verify"),
    path("second-factor/enrol/", views.enrol, name="enrol"),
    path("second-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("reauthenticate/", views.reauthenticate, name="reauthenticate"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/revoke/", views.token_revoke, name="token_revoke"),
]
