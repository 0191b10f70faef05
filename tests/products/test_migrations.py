import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("products", "0002_listing_and_search")]
AFTER = [("products", "0003_format_medium")]


@pytest.mark.django_db(transaction=True)  # the schema changes need their own transactions
def test_existing_prints_get_a_medium_from_their_name():
    """Migrating an existing shop: canvas for "Canvas …" formats, paper for other prints, none
    for downloads."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("products", "Format")
    old.objects.create(name="Digital download", kind="digital", price=5)
    old.objects.create(
        name="Art print 20×20 cm", kind="physical", price=32, width_cm=20, height_cm=20
    )
    old.objects.create(
        name="Big CANVAS 60×40", kind="physical", price=99, width_cm=60, height_cm=40
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("products", "Format")
    assert dict(new.objects.values_list("name", "medium")) == {
        "Digital download": "",
        "Art print 20×20 cm": "paper",
        "Big CANVAS 60×40": "canvas",
    }
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
