from django.urls import path

from feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("new/", views.new, name="new"),
    path("open311.json", views.export, name="export"),
    path("stats/", views.statistics, name="stats"),
    path("receptions/", views.receptions, name="receptions"),
    path("templates/", views.templates, name="templates"),
    path("<int:pk>/", views.item_detail, name="item"),
    path("<int:pk>/files/<int:file_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/<str:name>/", views.step, name="step"),
]
