from django.urls import path

from purchases.testmode import views

urlpatterns = [
    path("<str:session_id>/", views.checkout_page, name="simulated_checkout"),
]
