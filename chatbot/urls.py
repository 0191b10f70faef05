from django.urls import path

from chatbot import views

urlpatterns = [
    path("contact/", views.contact, name="contact"),
    path("contact/log/", views.chat_log, name="chat_log"),
    path("contact/message/", views.chat_message, name="chat_message"),
    path("contact/new/", views.chat_new, name="chat_new"),
    path("contact/confirm/<int:proposal_id>/", views.chat_confirm, name="chat_confirm"),
    path("contact/person/", views.chat_handoff, name="chat_handoff"),
]
