"""Administrative divisions of Ulanqab (乌兰察布市), as reference data any app may need.

Records name a county-level division in full (察哈尔右翼中旗) or in its short form (察右中旗); each
division lists every form that means it, so that a filter or a match accepts both.
"""

#: Ulanqab's county-level divisions, each with the short forms found in records (察右中旗).
ULANQAB_COUNTIES = {
    "集宁区": ["集宁区"],
    "丰镇市": ["丰镇市"],
    "卓资县": ["卓资县"],
    "化德县": ["化德县"],
    "商都县": ["商都县"],
    "兴和县": ["兴和县"],
    "凉城县": ["凉城县"],
    "察哈尔右翼前旗": ["察哈尔右翼前旗", "察右前旗"],
    "察哈尔右翼中旗": ["察哈尔右翼中旗", "察右中旗"],
    "察哈尔右翼后旗": ["察哈尔右翼后旗", "察右后旗"],
    "四子王旗": ["四子王旗"],
}
#: The city's own name as records give it (hometown_city), in full and short.
ULANQAB_CITY = ["乌兰察布市", "乌兰察布"]

#: The region code of each division (the first six digits of an ID-card number registered there).
COUNTY_CODES = {
    "集宁区": "150902",
    "卓资县": "150921",
    "化德县": "150922",
    "商都县": "150923",
    "兴和县": "150924",
    "凉城县": "150925",
    "察哈尔右翼前旗": "150926",
    "察哈尔右翼中旗": "150927",
    "察哈尔右翼后旗": "150928",
    "四子王旗": "150929",
    "丰镇市": "150981",
}
#: Some of each division's townships and street offices (乡镇/街道).
TOWNSHIPS = {
    "集宁区": [
        "白海子镇",
        "马莲渠乡",
        "新体路街道",
        "桥东街道",
        "桥西街道",
        "前进街道",
        "虎山街道",
        "泉山街道",
        "常青街道",
        "霸王河街道",
    ],
    "卓资县": ["卓资山镇", "旗下营镇", "十八台镇", "巴音锡勒镇", "梨花镇", "大榆树乡"],
    "化德县": ["长顺镇", "朝阳镇", "七号镇", "德包图乡", "公腊胡洞乡"],
    "商都县": ["七台镇", "十八顷镇", "大拉子乡", "屯垦队镇", "小海子镇", "玻璃忽镜乡"],
    "兴和县": ["城关镇", "张皋镇", "赛乌素镇", "店子镇", "大库联乡", "鄂尔栋镇"],
    "凉城县": ["岱海镇", "麦胡图镇", "永兴镇", "天成乡", "六苏木镇", "曹碾满族乡"],
    "察哈尔右翼前旗": ["土贵乌拉镇", "平地泉镇", "玫瑰营镇", "巴音塔拉镇", "三岔口乡", "乌拉哈乡"],
    "察哈尔右翼中旗": ["科布尔镇", "铁沙盖镇", "广益隆镇", "乌素图镇", "大滩乡"],
    "察哈尔右翼后旗": ["白音察干镇", "当郎忽洞苏木", "贲红镇", "土牧尔台镇", "红格尔图镇"],
    "四子王旗": ["乌兰花镇", "吉生太镇", "库伦图镇", "供济堂镇", "江岸苏木"],
    "丰镇市": ["新城区街道", "隆盛庄镇", "黑土台镇", "红砂坝镇", "巨宝庄镇", "浑源夭乡"],
}
