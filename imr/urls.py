from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

import cases.urls
import reviewers.urls
from imr import views
from imr.accounts.views import SignInView

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        login_not_required(SignInView.as_view()),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("imr.accounts.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("cases/", include("cases.urls")),
    path("timelines/", include("timelines.urls")),
    path(
        "portal/", include((reviewers.urls.urlpatterns + cases.urls.reviewer_patterns, "reviewers"))
    ),
    path("notifications/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include("imr.api.urls")),
    path("admin/", admin.site.urls),
]
