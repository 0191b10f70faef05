import re

from tests.conftest import ROOT


def test_every_setting_read_from_the_environment_is_documented():
    """Each variable settings.py reads appears in .env.example, under a comment."""
    source = (ROOT / "core" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\(\s*"([A-Z0-9_]+)"', source))
    lines = (ROOT / ".env.example").read_text().splitlines()
    documented = {
        m.group(1): n for n, line in enumerate(lines) if (m := re.match(r"([A-Z0-9_]+)=", line))
    }
    assert sorted(read - set(documented)) == []
    for name, number in documented.items():
        assert any(line.startswith("#") for line in lines[max(0, number - 4) : number]), name
