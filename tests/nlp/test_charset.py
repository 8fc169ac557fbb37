from pathlib import Path

import pytest

from nlp.charset import decode_html

DATA = Path(__file__).with_name("data") / "charset"
ZH = "深度求索发布开源模型权重"


@pytest.mark.parametrize(
    ("name", "header", "codec", "expected"),
    [
        ("gbk-meta-http-equiv.html", None, "gb18030", ZH),
        ("gbk-meta-http-equiv.html", "utf-8", "gb18030", ZH),  # header says UTF-8 over GBK bytes
        ("gbk-meta-http-equiv.html", "GBK", "gb18030", ZH),
        ("gb18030-meta-charset.html", None, "gb18030", "𠀀"),
        ("big5-meta.html", None, "big5hkscs", "輝達"),
        ("cp1252-meta-latin1.html", None, "cp1252", "« ouverts » coûtent – dit-on – moins cher… €"),
        ("cp1252-meta-latin1.html", "ISO-8859-1", "cp1252", "€"),
        ("utf8-bom-meta-gbk.html", "gbk", "utf-8", ZH),  # a BOM wins over header and meta
        ("gbk-no-declaration.html", None, "gb18030", ZH),  # detected
        ("utf8-meta-says-gbk.html", "utf-8", "utf-8", "“开源” ✓"),  # header and meta disagree
    ],
)
def test_decoding_order_and_fallbacks(name, header, codec, expected):
    text, used = decode_html((DATA / name).read_bytes(), header)
    assert used == codec
    assert expected in text
    assert "\ufffd" not in text
