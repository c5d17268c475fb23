from django.urls import path

from scorecards import views

app_name = "scorecards"
urlpatterns = [
    path("", views.home, name="home"),
    path("criteria/", views.criteria_list, name="criteria_list"),
    path("criteria/upload/", views.criteria_upload, name="criteria_upload"),
    path("criteria/<int:pk>/", views.criteria_detail, name="criteria_detail"),
    path("criteria/<int:pk>/export.<str:fmt>", views.criteria_export, name="criteria_export"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/<str:step>/", views.round_step, name="round_step"),
    path("cards/<int:pk>/", views.scorecard, name="scorecard"),
    path("cards/<int:pk>/rows/<int:score_id>/", views.save_row, name="save_row"),
    path("cards/<int:pk>/rows/<int:score_id>/evidence/", views.row_evidence, name="row_evidence"),
    path("cards/<int:pk>/assignments/", views.assignments, name="assignments"),
    path("cards/<int:pk>/results/", views.results, name="results"),
    path("cards/<int:pk>/lost/", views.points_lost, name="points_lost"),
    path("cards/<int:pk>/lost/<str:code>/task/", views.improvement_task, name="improvement_task"),
    path("cards/<int:pk>/do/<str:step>/", views.card_step, name="card_step"),
    path("assignments/<int:pk>/<str:step>/", views.assignment_step, name="assignment_step"),
    path("forecast/", views.forecast, name="forecast"),
    path("metrics/", views.series_list, name="series_list"),
    path("metrics/<int:pk>/", views.series_detail, name="series_detail"),
]
