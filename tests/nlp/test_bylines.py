"""Chinese bylines without their role words, titles without the outlet's name (rules as data)."""

from __future__ import annotations

import pytest

from nlp.bylines import clean_byline, strip_outlet
from nlp.extraction_rules import ExtractionRulesError, parse_rules, rules_for

ZH = rules_for("zh")


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("中央社記者陳仁華", "陳仁華"),
        ("記者 陳冠勳 張梓嘉 溫正衡／新北 台南報導", "陳冠勳 張梓嘉 溫正衡"),
        ("责任编辑：李四", "李四"),
        ("本报记者 王小明 北京报道", "王小明"),
        ("光明日报记者 王建宏 张文攀", "王建宏 张文攀"),
        ("文／張三", "張三"),
        ("（實習記者）黃雄", "黃雄"),
        ("麥鈞傑攝", "麥鈞傑"),
        ("赵 培", "赵培"),
        ("時事脈搏 ｜ 今日", None),  # a section and a time label, no name
        ("發佈時間", None),
        ("香港經濟日報Hket", None),  # the outlet
        ("澎湖縣", None),  # a place
    ],
)
def test_chinese_bylines(byline, expected):
    assert clean_byline(byline, ZH) == expected


def test_languages_without_rules_keep_their_byline():
    assert clean_byline("Claire Dupont", rules_for("fr")) == "Claire Dupont"


@pytest.mark.parametrize(
    ("title", "site_name", "expected"),
    [
        ("谷歌发布新模型_新浪科技_新浪网", None, "谷歌发布新模型"),
        ("台積電擴產｜聯合新聞網", None, "台積電擴產"),
        ("外傭宿舍恐播毒 再多1傭工中招 - 晴報 - 港聞 - 要聞", None, "外傭宿舍恐播毒 再多1傭工中招"),
        ("地震速報 | 中央社 CNA", "中央社 CNA", "地震速報"),
        ("信報即時新聞 -- 特首委任林大輝為香港電台顧問委員會主席", None, "特首委任林大輝為香港電台顧問委員會主席"),
        ("3歲童突高燒！詭異水泡連成排 凶手竟是「這款鞋」│TVBS新聞網", None, "3歲童突高燒！詭異水泡連成排 凶手竟是「這款鞋」"),
        ("華為低調推新機 中國官媒卻嗨喊「打贏對美科技戰」--上報", None, "華為低調推新機 中國官媒卻嗨喊「打贏對美科技戰」"),
        ("短缺药品保供稳价 全力保障临床用药需求-新华网", None, "短缺药品保供稳价 全力保障临床用药需求"),
        ("武汉的声音：有英勇的你，才有英雄的城！-新华网", None, "武汉的声音：有英勇的你，才有英雄的城！"),
        ("阿里开源通义千问 - 开发者热议", None, "阿里开源通义千问 - 开发者热议"),  # not an outlet's name
        ("中美芯片战-美国出口管制再升级", None, "中美芯片战-美国出口管制再升级"),  # a hyphen inside the headline
        ("DeepSeek-V3 开源", None, "DeepSeek-V3 开源"),
    ],
)
def test_titles_lose_the_outlet_name(title, site_name, expected):
    assert strip_outlet(title, site_name, ZH) == expected


def test_english_titles_are_left_as_they_are():
    assert strip_outlet("Meta opens Llama 4 - The Verge", "The Verge", rules_for("en")) == "Meta opens Llama 4 - The Verge"


def test_a_malformed_rules_file_names_the_language_and_key():
    with pytest.raises(ExtractionRulesError, match=r"\[zh\] drop_lines"):
        parse_rules({"zh": {"drop_lines": ["(unclosed"]}})
    with pytest.raises(ExtractionRulesError, match="unknown keys"):
        parse_rules({"zh": {"drop_line": []}})
    with pytest.raises(ExtractionRulesError, match="time zone"):
        parse_rules({"zh": {"timezone": "Asia/Nowhere"}})


def test_a_forum_footer_ends_the_first_post_and_a_calendar_is_furniture():
    from nlp.boilerplate import remove_furniture

    text = "\n".join([
        "不得不承认，如果没有张曼玉在戛纳封后，就很少有人会去关注《清洁》这部法国电影，这是一个事实。",
        "〓 网易娱乐 周黎明留言板 发布时间 2005/05/18 14:47:54 by eforblue 〓",
        "Re:《清洁》：很喜欢片中迷离的音乐，与城市的妖艳相衬托。",
    ])
    assert remove_furniture(text, ZH) == text.split("\n")[0]
    # the footer inside a table row that also holds the post is no footer line
    row = "| eforblue | " + text.replace("\n", " ") + " |"
    assert remove_furniture(row, ZH) == row
    calendar = "\n".join(["这是一篇博客文章的正文，讲的是播客热潮迅速蔓延的故事。", "| 一 | 二 | 三 | 四 | 五 | 六 | 日 | ",
                          "|  |  |  |  | 1 | 2 | 3 | ", "| 4 | 5 | 6 | 7 | 8 | 9 | 10 | "])
    assert remove_furniture(calendar, ZH) == calendar.split("\n")[0]
