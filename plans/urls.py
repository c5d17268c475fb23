from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tasks/", views.task_list, name="task_list"),
    path("my/", views.task_list, {"mine": True}, name="my_tasks"),
    path("province/", views.province_dashboard, name="province"),
    path("obstacles/", views.obstacles, name="obstacles"),
    path("year-end/", views.year_end_view, name="year_end"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/import/", views.import_plan, name="import"),
    path("plans/<int:pk>/template.xlsx", views.import_template, name="import_template"),
    path("plans/<int:pk>/tasks/new/", views.new_task, name="new_task"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.edit_task, name="edit_task"),
    path("tasks/<int:pk>/progress/", views.post_progress, name="post_progress"),
    path("tasks/<int:pk>/approve/", views.approve, name="approve"),
    path("tasks/<int:pk>/return/", views.return_task, name="return"),
    path("tasks/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("tasks/<int:pk>/obstacles/", views.add_obstacle, name="add_obstacle"),
    path("tasks/<int:pk>/comments/", views.add_comment, name="add_comment"),
    path("tasks/<int:pk>/contribution/", views.report_contribution, name="report_contribution"),
    path("tasks/<int:pk>/evidence/", views.upload_evidence, name="upload_evidence"),
    path("tasks/<int:pk>/evidence/link/", views.link_evidence, name="link_evidence"),
    path("tasks/<int:pk>/evidence/<int:document_id>/unlink/", views.unlink_evidence, name="unlink_evidence"),
    path("obstacles/<int:pk>/resolve/", views.resolve_obstacle, name="resolve_obstacle"),
    path("occurrences/<int:pk>/done/", views.occurrence_done, name="occurrence_done"),
]
