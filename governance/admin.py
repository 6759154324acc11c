"""The admin is the secretary's tool: seats are reconciled here, under boards and organisations."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count, Q
from django.utils import timezone

from governance.models import AuditEntry, Board, Organisation, Seat, User


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


class OrganisationInline(admin.TabularInline):
    model = Organisation
    extra = 0
    fields = ["name", "short_name", "membership_class", "joined_on", "left_on", "embargo_until"]
    show_change_link = True


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
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
    inlines = [OrganisationInline, BoardSeatInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "timezone", "currency"]}),
        (
            "Voting and quorum",
            {
                "fields": [
                    "voting_basis",
                    "quorum_rule",
                    "quorum_count",
                    "quorum_fraction",
                    "quorum_strictly_more",
                ]
            },
        ),
        ("Publication", {"fields": ["minutes_public"]}),
    ]

    @admin.display(description="Quorum")
    def quorum(self, board: Board) -> str:
        return board.describe_quorum_rule()


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
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
                    filter=Q(seats__starts_on__lte=today)
                    & (Q(seats__ends_on__isnull=True) | Q(seats__ends_on__gte=today)),
                )
            )
        )

    @admin.display(description="Current seats", ordering="current_seat_count")
    def current_seats(self, organisation) -> int:
        return organisation.current_seat_count


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "organisation", "board", "starts_on", "ends_on"]
    list_filter = [CurrentSeatFilter, "role", "board", "organisation"]
    search_fields = ["person__full_name", "person__email", "organisation__name"]
    list_select_related = ["person", "organisation", "board"]
    autocomplete_fields = ["board", "person", "organisation"]
    date_hierarchy = "starts_on"
    ordering = ["board", "organisation__name", "-starts_on"]


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class PersonSeatInline(SeatInline):
    fk_name = "person"
    autocomplete_fields = ["board", "organisation"]
    fields = ["board", "organisation", "role", "starts_on", "ends_on", "note"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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


admin.site.site_header = "Boardroom administration"
admin.site.site_title = "Boardroom admin"
admin.site.index_title = "The secretary's desk"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "board", "actor", "action", "summary"]
    list_filter = ["board", "action"]
    search_fields = ["summary", "actor__full_name", "action"]
    list_select_related = ["board", "actor"]
    date_hierarchy = "at"
    readonly_fields = [
        "board",
        "actor",
        "action",
        "target_type",
        "target_id",
        "summary",
        "data",
        "at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
