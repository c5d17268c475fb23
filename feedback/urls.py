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
    path("templates/<int:pk>/delete/", views.delete_template, name="delete_template"),
    path("<int:pk>/", views.item_detail, name="item"),
    path("<int:pk>/files/<int:file_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    # one URL per workflow step (POST)
    path("<int:pk>/classify/", views.classify, name="classify"),
    path("<int:pk>/not_accept/", views.not_accept, name="not_accept"),
    path("<int:pk>/request_info/", views.request_info, name="request_info"),
    path("<int:pk>/info_supplied/", views.info_supplied, name="info_supplied"),
    path("<int:pk>/forward/", views.forward, name="forward"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/note/", views.note, name="note"),
    path("<int:pk>/repeat/", views.repeat, name="repeat"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.return_answer, name="return_answer"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
]
