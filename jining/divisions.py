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
