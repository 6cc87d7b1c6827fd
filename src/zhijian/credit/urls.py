from django.urls import path

from . import enterprise_views, model_views, proposal_views, public_views, views

urlpatterns = [
    path("", views.overview, name="credit_overview"),
    path("classes/", views.standing_list, name="credit_standings"),
    path("rescore/", views.run_batch, name="credit_rescore"),
    path("entities/<str:uscc>/", views.entity_credit, name="credit_entity"),
    path("entities/<str:uscc>/penalties/", views.add_penalty, name="credit_add_penalty"),
    path("entities/<str:uscc>/abnormal/", views.add_abnormal, name="credit_add_abnormal"),
    path("records/<int:pk>/withdraw/", views.withdraw, name="credit_withdraw"),
    path("lists/<int:pk>/propose-serious/", views.propose_serious, name="credit_propose_serious"),
    path("decisions/<int:pk>/review/", views.review, name="credit_review"),
    path("repairs/", views.repair_list, name="credit_repairs"),
    path("repairs/<int:pk>/decide/", views.decide, name="credit_decide"),
    path("proposals/", proposal_views.proposal_list, name="credit_proposals"),
    path("proposals/<int:pk>/confirm/", proposal_views.proposal_confirm, name="credit_proposal_confirm"),
    path("proposals/<int:pk>/reject/", proposal_views.proposal_reject, name="credit_proposal_reject"),
    path("mine/", enterprise_views.mine, name="credit_mine"),
    path("mine/apply/<str:target>/<int:pk>/", enterprise_views.apply, name="credit_apply"),
    path("models/", model_views.model_list, name="credit_models"),
    path("models/new/", model_views.model_new, name="credit_model_new"),
    path("models/<int:pk>/activate/", model_views.model_activate, name="credit_model_activate"),
    path("lists/public/", public_views.public_lists, name="credit_public_lists"),
    path("report/<str:uscc>/", public_views.credit_report, name="credit_report"),
    path("report/<str:uscc>/report.pdf", public_views.credit_report_pdf, name="credit_report_pdf"),
]
