"""In English, the procedure pages say why procedure names stay Vietnamese (they are legal names)."""

from tests.factories import make_procedure
from tests.helpers import fresh_client


def test_the_note_is_there_in_english_only(app, ctx):
    proc = make_procedure()
    client = fresh_client(app)
    vietnamese = client.get(f"/thu-tuc/{proc.code}").get_data(as_text=True)
    assert 'id="names-note"' not in vietnamese
    assert 'id="names-note"' not in client.get("/thu-tuc").get_data(as_text=True)
    client.get("/ngon-ngu/en")
    english = client.get(f"/thu-tuc/{proc.code}").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert 'id="names-note"' in english and proc.name in english  # the name itself stays Vietnamese
    assert 'id="names-note"' in client.get("/thu-tuc").get_data(as_text=True)  # and above the list
