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


def test_a_chinese_story_that_opens_on_a_japanese_quote_is_chinese():
    # A Taiwanese story quoting a Japanese tweet first: its kana make the sample read as Japanese as a whole.
    story = "\n".join([
        "【朗報】小泉進次郎さん、処理水の海洋放出の安全性を“サーフィン”でアピール 政治家として型にはまらない斬新なアイデアに評価の声集まる",
        "記者鄒鎮宇／綜合報導",
        "日本在8月24日將福島核廢水排入海中，整個排放期預計30年，周邊國家密切關注。對此，日本前環境大臣、現任國會議員小泉進次郎4日到福島的海岸衝浪、吃生魚片。",
        "據日媒報導，小泉進次郎4日前往福島南相馬海岸烏崎海灘，參加一場為了兒童舉辦的衝浪課，並親自下場體驗衝浪，成功在衝浪板上站起後也對著媒體比讚示意。",
        "小泉進次郎表示，日本內部及國外對於核處理水的評論不公正、無情也無科學根據，他親自體驗後不認同那些看法，未來也會找其他的國會議員一起到福島衝浪。",
    ])
    assert detect_language(story.split("\n")[0]) == "ja"
    assert detect_language(story) == "zh"


def test_a_japanese_story_quoting_a_chinese_line_stays_japanese():
    story = "\n".join([
        "中国外交部の報道官は記者会見で「日本の処理水放出に断固として反対する」と述べ、水産物の輸入停止を続ける考えを示した。",
        "「我们坚决反对日方排海，将继续采取必要措施维护海洋环境和公众健康。」",
        "政府はこれに対し、科学的根拠に基づかない措置だとして即時撤廃を求めており、国際原子力機関の報告書を改めて説明する方針だ。",
    ])
    assert detect_language(story) == "ja"
