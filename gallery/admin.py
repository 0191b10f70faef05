from django.contrib import admin, messages
from django.utils.html import format_html

from gallery import services
from gallery.models import Like, Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The moderation queue: open reports first. Hide an image by setting the status to
    "Image hidden" (the owner reads the reason), or with the actions on the list."""

    list_display = ("preview", "short_prompt", "reason", "reporter", "status", "created_at")
    list_filter = ("status", "reason", "created_at")
    list_select_related = ("image", "reporter")
    search_fields = ("image__prompt", "image__public_id", "reporter__username", "note")
    readonly_fields = (
        "preview",
        "image",
        "reporter",
        "reason",
        "note",
        "created_at",
        "decided_at",
        "decided_by",
    )
    fields = (*readonly_fields, "status", "decision_note")
    actions = ["hide_images", "dismiss"]
    ordering = ["-status", "-created_at"]  # "open" sorts after "hidden" and "dismissed"

    @admin.display(description="Image")
    def preview(self, report: Report) -> str:
        return format_html(
            '<a href="{}"><img src="{}" width="64" height="64" alt=""></a>',
            report.image.get_absolute_url(),
            report.image.thumbnail_src,
        )

    @admin.display(description="Prompt")
    def short_prompt(self, report: Report) -> str:
        return report.image.prompt[:80]

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if "status" not in form.changed_data:
            obj.save(update_fields=["decision_note"])
            return
        if obj.status == Report.Status.HIDDEN:
            reason = obj.decision_note or obj.get_reason_display()
            services.image_hide(image=obj.image, reason=reason, manager=request.user)
        elif obj.status == Report.Status.DISMISSED:
            services.reports_dismiss(reports=Report.objects.filter(pk=obj.pk), manager=request.user)
        else:
            messages.warning(request, "A decided report cannot be opened again.")

    @admin.action(description="Hide these images (owners read the report's reason)")
    def hide_images(self, request, queryset) -> None:
        hidden = set()
        for report in queryset.select_related("image").filter(status=Report.Status.OPEN):
            if report.image_id in hidden:
                continue
            reason = report.decision_note or report.get_reason_display()
            services.image_hide(image=report.image, reason=reason, manager=request.user)
            hidden.add(report.image_id)
        messages.success(request, f"{len(hidden)} image(s) hidden; their owners were told why.")

    @admin.action(description="Dismiss these reports")
    def dismiss(self, request, queryset) -> None:
        count = services.reports_dismiss(reports=queryset, manager=request.user)
        messages.success(request, f"{count} report(s) dismissed.")


@admin.register(Like)
class LikeAdmin(admin.ModelAdmin):
    list_display = ("image", "user", "created_at")
    list_select_related = ("image", "user")
    raw_id_fields = ("image", "user")
    date_hierarchy = "created_at"
