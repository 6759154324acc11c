"""Migration 0010 turns the fixed membership classes into each board's own rows, made from the
codes its organisations use, and back again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("governance", "0009_board_proxy_settings")]
AFTER = [("governance", "0010_boards_of_individuals")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_each_board_gets_the_classes_its_organisations_use():
    # Every later migration is unapplied for this test, then applied again.
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    apps = migrate(BEFORE)
    try:
        Board = apps.get_model("governance", "Board")
        Organisation = apps.get_model("governance", "Organisation")
        xen = Board.objects.create(name="Xen", slug="xen", quorum_count=9)
        society = Board.objects.create(name="Society", slug="society", quorum_count=3)
        for board, name, code in [
            (xen, "Citrix", "platinum"),
            (xen, "Intel", "gold"),
            (xen, "AMD", "gold"),
            (society, "Bakery", "associate"),
        ]:
            Organisation.objects.create(board=board, name=name, membership_class=code)

        apps = migrate(AFTER)
        Organisation = apps.get_model("governance", "Organisation")
        MembershipClass = apps.get_model("governance", "MembershipClass")
        assert list(
            MembershipClass.objects.filter(board__slug="xen").values_list("name", flat=True)
        ) == ["Platinum", "Gold"]
        assert list(
            MembershipClass.objects.filter(board__slug="society").values_list("name", flat=True)
        ) == ["Associate"]
        classes = dict(Organisation.objects.values_list("name", "membership_class__name"))
        assert classes == {
            "Citrix": "Platinum",
            "Intel": "Gold",
            "AMD": "Gold",
            "Bakery": "Associate",
        }
        assert (
            Organisation.objects.get(name="Intel").membership_class.board_id
            == Organisation.objects.get(name="Intel").board_id
        )

        apps = migrate(BEFORE)  # and back: the codes return
        Organisation = apps.get_model("governance", "Organisation")
        assert dict(Organisation.objects.values_list("name", "membership_class")) == {
            "Citrix": "platinum",
            "Intel": "gold",
            "AMD": "gold",
            "Bakery": "associate",
        }
        Organisation.objects.all().delete()
        apps.get_model("governance", "Board").objects.all().delete()
    finally:
        migrate(latest)
