"""Language and Chinese script identification on short news texts."""

from __future__ import annotations

import pytest

from nlp.language import chinese_script, detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DeepSeek released the weights of its new model under the MIT licence on Monday.", "en"),
        ("Mistral AI a publié mardi les poids de son nouveau modèle sous licence Apache 2.0.", "fr"),
        ("深度求索周一公开了新模型的全部权重，开发者可以免费下载。", "zh"),
        ("業界最新指數顯示，最佳開放權重模型僅落後頂尖閉源模型數月。", "zh"),
        ("Das Unternehmen veröffentlichte am Montag die Gewichte seines neuen Sprachmodells.", "de"),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


def test_empty_text_has_no_language():
    assert detect_language("   ") is None


def test_chinese_script():
    assert chinese_script("深度求索周一公开了新模型的全部权重，开发者可以免费下载。") == "Hans"
    assert chinese_script("業界最新指數顯示，最佳開放權重模型僅落後頂尖閉源模型數月。") == "Hant"
