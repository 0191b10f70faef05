from django.urls import path

from notifications import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("bell/", views.notification_bell, name="notification_bell"),
    path("read/", views.notification_read_all, name="notification_read_all"),
    path("<int:notification_id>/read/", views.notification_read, name="notification_read"),
    path("emails/", views.notification_emails, name="notification_emails"),
]
