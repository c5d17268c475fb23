from django.urls import path

from targets import province, views

app_name = "targets"

urlpatterns = [
    path("", views.board, name="board"),
    path("<int:pk>/", views.detail, name="detail"),
    path("province/", province.overview, name="province"),
]
