from django.urls import path

from printlab import views
from printlab.simulated import views as simulated_views

urlpatterns = [
    path("callbacks/<str:token>/", views.lab_callback, name="lab_callback"),
    path("track/<str:number>/", simulated_views.tracking_page, name="lab_tracking"),
]
