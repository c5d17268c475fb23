from django.urls import path

from targets import views

app_name = "targets"

urlpatterns = [
    path("", views.board, name="board"),
    path("<int:pk>/", views.detail, name="detail"),
]
