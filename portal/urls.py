from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.posts, name="posts"),
    path("new/", views.edit_post, name="new_post"),
    path("<int:pk>/", views.edit_post, name="edit_post"),
]
