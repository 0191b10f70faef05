from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from core import views

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("accounts/", include("accounts.urls")),
    path("", include("dalle.urls")),
    path("", include("products.urls")),
    path("purchases/", include("purchases.urls")),
    path("notifications/", include("notifications.urls")),
    path("lab/", include("printlab.urls")),
    path("", include("chatbot.urls")),
    path("console/", include("console.urls")),
    path("", include("gallery.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("core.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", views.api_docs, name="api-docs"),
]

if not settings.AWS_STORAGE_BUCKET_NAME:
    # Local media. In production Nginx serves /media/ itself and this is never reached.
    urlpatterns.append(path("media/<path:path>", views.media_file, name="media_file"))

if settings.BENCHMARK_VIEWS:
    urlpatterns.append(path("bench/ping", views.bench_ping))
