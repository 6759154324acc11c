"""The admin is the secretary's tool: seats are reconciled here, under boards and organisations."""

import copy
import functools

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    UserChangeForm,
)
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet, InlineForeignKeyField
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from governance import services
from governance.exceptions import DomainError
from governance.formatting import when
from governance.models import (
    AuditEntry,
    Board,
    MembershipClass,
    Organisation,
    QuorumRuleChange,
    Seat,
    User,
)


class ServiceAdmin(admin.ModelAdmin):
    """The admin as a caller of the services: it saves and deletes through them, and a refusal
    its forms could not foresee (another save got in first) is a message, with nothing saved."""

    service_save = None  # (instance, actor) -> instance
    service_delete = None  # (instance, actor) -> None

    def save_model(self, request, obj, form, change):
        type(self).service_save(obj, request.user)

    def delete_model(self, request, obj):
        type(self).service_delete(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            type(self).service_delete(obj, request.user)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # Django's bulk delete skips the per-row refusal messages; delete one row at a time.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as refusal:
            # The view's transaction rolled back: nothing of this save is stored.
            self.message_user(request, f"Nothing was saved. {refusal.message}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as refusal:
            self.message_user(request, f"Nothing was deleted. {refusal.message}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class RecordInlineFormSet(BaseInlineFormSet):
    """Rows marked for deletion that the board's record refers to are refused on the form."""

    def rows(self):
        """(form, instance) for each row to save, and the instances to delete."""
        saved, removed = [], []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk is not None:
                    removed.append((form, form.instance))
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            saved.append((form, form.instance))
        return saved, removed

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        _, removed = self.rows()
        refusals = []
        for form, instance in removed:
            refusal = services.deletion_refusal(instance)
            if refusal:
                form.add_error(None, refusal)
                refusals.append(refusal)
        if refusals:
            raise ValidationError(refusals)


class SeatRowForm(forms.ModelForm):
    """A seat row under a parent being added: the parent has no id yet, so constraints on the
    link to it (a representative sits for an organisation) wait for the service, which checks
    them once the parent is saved."""

    def validate_constraints(self):
        exclude = self._get_validation_exclusions()
        for name, field in self.fields.items():
            if isinstance(field, InlineForeignKeyField) and field.parent_instance.pk is None:
                exclude.add(name)
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class SeatInlineFormSet(RecordInlineFormSet):
    """Seats saved together are checked together: against each other, not only against what is
    stored (two new voting seats for one organisation are refused here, on the form)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.checked_together = True
        return form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        saved, removed = self.rows()
        for _form, seat in saved:
            # A new parent has no id yet: its rows share the unsaved row itself.
            setattr(seat, self.fk.name, self.instance)
        problems = services.seats_check(
            seats=[seat for _form, seat in saved], removed=[seat for _form, seat in removed]
        )
        if not problems:
            return
        summary = []
        for index, errors in problems.items():
            form, seat = saved[index]
            for field_name, field_messages in errors.items():
                for message in field_messages:
                    form.add_error(field_name if field_name in form.fields else None, message)
                    summary.append(f"{seat.person}: {message}")
        raise ValidationError(sorted(set(summary)))


def save_formset_through_services(request, formset) -> None:
    """The rows of a seat, organisation or quorum rule inline, written by the services."""
    instances = formset.save(commit=False)
    if formset.model is QuorumRuleChange:
        for rule in formset.deleted_objects:
            services.quorum_rule_delete(rule=rule, actor=request.user)
        for rule in instances:
            services.quorum_rule_save(rule=rule, actor=request.user)
    elif formset.model is Seat:
        services.seats_save(seats=instances, removed=formset.deleted_objects, actor=request.user)
    elif formset.model is MembershipClass:
        for membership_class in formset.deleted_objects:
            services.membership_class_delete(membership_class=membership_class, actor=request.user)
        for membership_class in instances:
            services.membership_class_save(membership_class=membership_class, actor=request.user)
    elif formset.model is Organisation:
        for organisation in formset.deleted_objects:
            services.organisation_delete(organisation=organisation, actor=request.user)
        for organisation in instances:
            services.organisation_save(organisation=organisation, actor=request.user)
    else:  # pragma: no cover - every inline here is one of the four
        raise TypeError(f"No service saves {formset.model.__name__} rows.")


class CurrentSeatFilter(admin.SimpleListFilter):
    title = "held"
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return [("current", "Current"), ("past", "Ended"), ("future", "Not started")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.current(today)
        if self.value() == "past":
            return queryset.filter(ends_on__lt=today)
        if self.value() == "future":
            return queryset.filter(starts_on__gt=today)
        return queryset


class SeatInline(admin.TabularInline):
    model = Seat
    form = SeatRowForm
    formset = SeatInlineFormSet
    extra = 0
    autocomplete_fields = ["person", "organisation"]
    fields = ["person", "organisation", "role", "starts_on", "ends_on", "note"]
    ordering = ["-starts_on"]


class BoardSeatInline(SeatInline):
    fk_name = "board"


class OrganisationSeatInline(SeatInline):
    fk_name = "organisation"
    autocomplete_fields = ["person", "board"]
    fields = ["board", "person", "role", "starts_on", "ends_on", "note"]


def board_being_changed(request) -> int | None:
    """The id of the row whose change page this is (None when adding one)."""
    match = request.resolver_match
    object_id = match.kwargs.get("object_id") if match else None
    return int(object_id) if object_id and str(object_id).isdigit() else None


class MembershipClassInline(admin.TabularInline):
    """The board's own classes of membership, in its order."""

    model = MembershipClass
    formset = RecordInlineFormSet
    extra = 0
    fields = ["name", "order"]
    ordering = ["order", "name"]


class OrganisationInline(admin.TabularInline):
    model = Organisation
    formset = RecordInlineFormSet
    extra = 0
    fields = ["name", "short_name", "membership_class", "joined_on", "left_on", "embargo_until"]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only this board's classes (a new board has none until it is saved).
        if db_field.name == "membership_class":
            board_id = board_being_changed(request)
            kwargs["queryset"] = MembershipClass.objects.filter(board_id=board_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class QuorumRuleChangeInline(admin.TabularInline):
    """Dated changes of the quorum rule: each applies to meetings from its day on; a meeting
    that started keeps the rule it started under."""

    model = QuorumRuleChange
    extra = 0
    verbose_name = "change of quorum rule"
    verbose_name_plural = "Changes of quorum rule (each in force from its date)"
    fields = [
        "effective_from",
        "voting_basis",
        "quorum_rule",
        "quorum_count",
        "quorum_fraction",
        "quorum_strictly_more",
        "co_opted_vote",
        "note",
    ]
    ordering = ["effective_from"]


@admin.register(Board)
class BoardAdmin(ServiceAdmin):
    list_display = [
        "name",
        "slug",
        "timezone",
        "currency",
        "voting_basis",
        "quorum",
        "minutes_public",
    ]
    list_filter = ["voting_basis", "quorum_rule", "minutes_public"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [QuorumRuleChangeInline, MembershipClassInline, OrganisationInline, BoardSeatInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "timezone", "currency"]}),
        (
            "Voting and quorum: the founding rule",
            {
                "description": "The rule from the board's beginning until the first dated "
                "change below. To change the rule, add a change from the day it takes effect: "
                "earlier meetings keep their rule.",
                "fields": [
                    "voting_basis",
                    "quorum_rule",
                    "quorum_count",
                    "quorum_fraction",
                    "quorum_strictly_more",
                    "co_opted_vote",
                ],
            },
        ),
        (
            "Proxies",
            {
                "description": "Whether a voting member may name someone to hold their vote "
                "at one meeting, whom, and whether the vote then counts toward quorum.",
                "fields": [
                    "proxies_allowed",
                    "proxies_from_other_organisations",
                    "proxies_per_holder",
                    "proxies_count_for_quorum",
                ],
            },
        ),
        ("Members in their own right", {"fields": ["member_title"]}),
        ("Publication", {"fields": ["minutes_public"]}),
    ]

    @admin.display(description="Quorum")
    def quorum(self, board: Board) -> str:
        return board.describe_quorum_rule()

    @staticmethod
    def service_save(board, actor):
        return services.board_save(board=board, actor=actor)

    @staticmethod
    def service_delete(board, actor):
        services.board_delete(board=board, actor=actor)

    def save_formset(self, request, form, formset, change):
        save_formset_through_services(request, formset)


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    list_display = [
        "name",
        "short_name",
        "board",
        "membership_class",
        "joined_on",
        "left_on",
        "embargo_until",
        "current_seats",
    ]
    list_filter = ["board", "membership_class", ("left_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "short_name"]
    list_select_related = ["board"]
    autocomplete_fields = ["board"]
    date_hierarchy = "joined_on"
    inlines = [OrganisationSeatInline]

    def get_queryset(self, request):
        today = timezone.localdate()
        return (
            super()
            .get_queryset(request)
            .annotate(
                current_seat_count=Count(
                    "seats",
                    filter=(Q(seats__starts_on__isnull=True) | Q(seats__starts_on__lte=today))
                    & (Q(seats__ends_on__isnull=True) | Q(seats__ends_on__gte=today)),
                )
            )
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # An organisation's own board's classes (when adding one, the model's clean() refuses
        # another board's class).
        organisation_id = board_being_changed(request)
        if db_field.name == "membership_class" and organisation_id:
            board = Organisation.objects.filter(pk=organisation_id).values("board")
            kwargs["queryset"] = MembershipClass.objects.filter(board__in=board)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Current seats", ordering="current_seat_count")
    def current_seats(self, organisation) -> int:
        return organisation.current_seat_count

    @staticmethod
    def service_save(organisation, actor):
        return services.organisation_save(organisation=organisation, actor=actor)

    @staticmethod
    def service_delete(organisation, actor):
        services.organisation_delete(organisation=organisation, actor=actor)

    def save_formset(self, request, form, formset, change):
        save_formset_through_services(request, formset)


@admin.register(Seat)
class SeatAdmin(ServiceAdmin):
    list_display = ["person", "role", "organisation", "board", "starts_on", "ends_on"]
    list_filter = [CurrentSeatFilter, "role", "board", "organisation"]
    search_fields = ["person__full_name", "person__email", "organisation__name"]
    list_select_related = ["person", "organisation", "board"]
    autocomplete_fields = ["board", "person", "organisation"]
    date_hierarchy = "starts_on"
    ordering = ["board", "organisation__name", "-starts_on"]

    @staticmethod
    def service_save(seat, actor):
        return services.seat_save(seat=seat, actor=actor)

    @staticmethod
    def service_delete(seat, actor):
        services.seat_delete(seat=seat, actor=actor)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class PasswordForm(AdminPasswordChangeForm):
    """The admin's password form, saving through the service so the change is audited."""

    def __init__(self, user, *args, actor=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.actor = actor

    def save(self, commit=True):
        usable = self.cleaned_data.get("set_usable_password", True)
        password = self.cleaned_data["password1"] if usable else None
        return services.person_set_password(person=self.user, password=password, actor=self.actor)


class PersonSeatInline(SeatInline):
    fk_name = "person"
    autocomplete_fields = ["board", "organisation"]
    fields = ["board", "organisation", "role", "starts_on", "ends_on", "note"]


@admin.register(User)
class UserAdmin(ServiceAdmin, BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = [
        "full_name",
        "email",
        "affiliation",
        "timezone",
        "is_staff",
        "is_active",
        "last_login",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["full_name", "email", "affiliation"]
    ordering = ["full_name"]
    inlines = [PersonSeatInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "affiliation", "timezone"]}),
        (
            "Access",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    @staticmethod
    def service_save(person, actor):
        return services.person_save(person=person, actor=actor)

    def user_change_password(self, request, id, form_url=""):
        # The form needs the actor; a copy of this admin carries it for this request only.
        for_request = copy.copy(self)
        for_request.change_password_form = functools.partial(PasswordForm, actor=request.user)
        return BaseUserAdmin.user_change_password(for_request, request, id, form_url)

    def save_related(self, request, form, formsets, change):
        if "groups" in form.cleaned_data:
            services.person_set_access(
                person=form.instance,
                groups=form.cleaned_data["groups"],
                permissions=form.cleaned_data.get("user_permissions", []),
                actor=request.user,
            )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @staticmethod
    def service_delete(person, actor):
        services.person_delete(person=person, actor=actor)

    def save_formset(self, request, form, formset, change):
        save_formset_through_services(request, formset)


admin.site.site_header = "Boardroom administration"
admin.site.site_title = "Boardroom admin"
admin.site.index_title = "The secretary's desk"


class RecordKindFilter(admin.SimpleListFilter):
    title = "kind of record"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = AuditEntry.objects.exclude(target_type="").values_list("target_type", flat=True)
        return [(kind, kind_of_record(kind)) for kind in sorted(set(kinds.distinct()))]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(target_type=self.value())
        return queryset


def kind_of_record(target_type: str) -> str:
    """'meetings.agendaitem' -> 'Agenda item'; a model that is gone keeps its label."""
    if not target_type:
        return ""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return target_type
    return str(model._meta.verbose_name).capitalize()


def changes_in_words(entry: AuditEntry):
    """(field label, before, after) for each change, rows named as they are called now: a
    person's id reads as the person (an entry's own page, so a few lookups are fine)."""
    try:
        model = apps.get_model(entry.target_type) if entry.target_type else None
    except (LookupError, ValueError):
        model = None
    fields = {field.attname: field for field in model._meta.concrete_fields} if model else {}
    for name, (before, after) in entry.changes.items():
        field = fields.get(name)
        if field is None:
            yield name.replace("_", " "), value_in_words(before), value_in_words(after)
            continue
        values = [before, after]
        if field.is_relation:
            related = field.related_model._base_manager.in_bulk(
                [value for value in values if value is not None]
            )
            values = [related.get(value, value) if value is not None else None for value in values]
        elif field.choices:
            labels = dict(field.flatchoices)
            values = [labels.get(value, value) for value in values]
        yield str(field.verbose_name), value_in_words(values[0]), value_in_words(values[1])


def value_in_words(value) -> str:
    if value is None or value == "":
        return "(empty)"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, for the secretary to read: append-only for everyone, superusers included."""

    list_display = ["when", "board", "actor", "kind", "summary"]
    list_filter = [
        "board",
        ("actor", admin.RelatedOnlyFieldListFilter),
        RecordKindFilter,
        ("at", admin.DateFieldListFilter),
    ]
    search_fields = ["summary", "actor__full_name", "action"]
    list_select_related = ["board", "actor"]
    date_hierarchy = "at"
    fields = ["when", "board", "actor", "action", "kind", "target_id", "summary", "changes_table"]
    readonly_fields = fields

    @admin.display(description="When", ordering="at")
    def when(self, entry: AuditEntry) -> str:
        # Rendered as it is read: in the reader's zone, not the actor's.
        return when(entry.at)

    @admin.display(description="Kind of record", ordering="target_type")
    def kind(self, entry: AuditEntry) -> str:
        return kind_of_record(entry.target_type)

    @admin.display(description="Changes")
    def changes_table(self, entry: AuditEntry) -> str:
        if not entry.changes:
            return "No field changed."
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
            changes_in_words(entry),
        )
        return format_html(
            "<table class='audit-changes'><thead><tr><th scope='col'>Field</th>"
            "<th scope='col'>Before</th><th scope='col'>After</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# Second-factor devices: listed and removable (audited), never added, edited or shown.
from governance import device_admin  # noqa: E402, F401
