import pytest
from django.core.management import call_command

from governance.models import Board, Organisation, Seat, User, voting_organisations_on

pytestmark = pytest.mark.django_db


def test_demo_loads_the_may_2014_board_and_running_it_again_adds_nothing(capsys):
    call_command("demo", no_serve=True)
    counts = (
        Board.objects.count(),
        Organisation.objects.count(),
        User.objects.count(),
        Seat.objects.count(),
    )
    call_command("demo", no_serve=True)
    assert counts == (
        Board.objects.count(),
        Organisation.objects.count(),
        User.objects.count(),
        Seat.objects.count(),
    )
    board = Board.objects.get()
    assert board.name == "Xen Project Advisory Board"
    assert board.quorum_count == 9
    assert Organisation.objects.count() == 11
    import datetime as dt

    voting = voting_organisations_on(board, dt.date(2014, 5, 15))
    assert len(voting) == 9
    assert "Calxeda" not in {organisation.name for organisation in voting}
    output = capsys.readouterr().out
    assert "lars.kurth@demo.boardroom.example" in output and "chair" in output
    assert "boardroom-demo" in output
