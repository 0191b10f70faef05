from django.forms.renderers import TemplatesSetting


class SiteFormRenderer(TemplatesSetting):
    """Every `{{ form }}` on the site: an error summary on top, each error tied to its field."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
