from django.urls import path

from targets import province, views

app_name = "targets"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/spark.svg", views.spark, name="spark"),
    path("<int:pk>/values/", views.enter_reading, name="enter_reading"),
    path("<int:pk>/periods/<int:snapshot_id>/correct/", views.correct, name="correct"),
    path("province/", province.overview, name="province"),
]
