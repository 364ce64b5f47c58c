from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

import cases.urls
import reviewers.urls
from imr import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        login_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
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
