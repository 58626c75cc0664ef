//! Words the generator builds plausible Chinese project, investor and clerk names from.
//!
//! Names are made of parts (an investor brand, an industry word, a product and a capacity)
//! so that a few hundred words give billions of combinations: two projects with the same
//! name and investor must stay improbable across 200 units × 3 years.

use crate::gen::rng::Rng;

/// What the generator knows about an industry of the roster: how likely main-city
/// districts and mountain counties are to sign in it, and the words of its projects.
#[derive(Debug)]
pub struct IndustryWords {
    /// The industry name as the sample roster lists it.
    pub name: &'static str,
    /// Relative weight in a large main-city district.
    pub urban: f64,
    /// Relative weight in a small mountain county.
    pub rural: f64,
    /// Manufactured products with their capacity unit (`年产20万吨…`); empty for services.
    pub products: &'static [(&'static str, &'static str)],
    /// Facility names (`产业园`, `物流园`, `康养旅游度假区`).
    pub facilities: &'static [&'static str],
    /// Words in the investor's company name (`新能源科技`, `食品`).
    pub investor_words: &'static [&'static str],
}

/// The industries of the sample roster: Chongqing's "33618" list and the service,
/// tourism and farming lines counties also report.
pub const INDUSTRIES: &[IndustryWords] = &[
    IndustryWords {
        name: "智能网联新能源汽车",
        urban: 3.0,
        rural: 0.6,
        products: &[
            ("新能源汽车电驱系统", "万套"),
            ("动力电池模组", "万套"),
            ("汽车线束", "万套"),
            ("智能座舱系统", "万套"),
            ("汽车轻量化零部件", "万件"),
            ("一体化压铸件", "万件"),
            ("新能源汽车热管理系统", "万套"),
            ("汽车底盘结构件", "万件"),
            ("车载激光雷达", "万台"),
            ("氢燃料电池系统", "套"),
            ("智能驾驶域控制器", "万套"),
            ("新能源商用车", "辆"),
        ],
        facilities: &[
            "智能网联汽车零部件产业园",
            "新能源汽车配套产业园",
            "汽车电子产业园",
            "智能网联汽车测试基地",
        ],
        investor_words: &[
            "汽车零部件",
            "新能源科技",
            "汽车电子",
            "动力科技",
            "智能驾驶科技",
            "汽车科技",
        ],
    },
    IndustryWords {
        name: "新一代电子信息制造业",
        urban: 3.0,
        rural: 0.5,
        products: &[
            ("笔记本电脑结构件", "万件"),
            ("智能终端", "万台"),
            ("印制电路板", "万平方米"),
            ("功率半导体器件", "亿只"),
            ("光通信模块", "万只"),
            ("服务器", "万台"),
            ("电子元器件", "亿只"),
            ("智能传感器", "万只"),
            ("消费电子配件", "万件"),
            ("集成电路封装测试", "亿颗"),
        ],
        facilities: &["电子信息产业园", "智能终端产业园", "半导体材料产业园"],
        investor_words: &["电子科技", "光电科技", "半导体", "智能科技", "精密电子"],
    },
    IndustryWords {
        name: "先进材料",
        urban: 1.8,
        rural: 1.5,
        products: &[
            ("锂电池正极材料", "万吨"),
            ("高性能纤维", "万吨"),
            ("电子级化学品", "万吨"),
            ("碳纤维复合材料", "吨"),
            ("高分子新材料", "万吨"),
            ("玻璃纤维", "万吨"),
            ("特种玻璃", "万吨"),
            ("新型建筑材料", "万立方米"),
            ("可降解塑料", "万吨"),
        ],
        facilities: &["新材料产业园", "化工新材料产业基地"],
        investor_words: &["新材料", "材料科技", "化工", "复合材料"],
    },
    IndustryWords {
        name: "智能装备及智能制造",
        urban: 2.0,
        rural: 0.9,
        products: &[
            ("工业机器人", "台"),
            ("数控机床", "台"),
            ("智能仪器仪表", "万台"),
            ("精密减速器", "万台"),
            ("智能环保装备", "台套"),
            ("丘陵山地农机", "台"),
            ("风电装备", "套"),
            ("轨道交通装备", "套"),
        ],
        facilities: &["智能装备产业园", "高端装备制造基地"],
        investor_words: &["智能装备", "机械", "精工", "自动化", "重工"],
    },
    IndustryWords {
        name: "食品及农产品加工",
        urban: 0.6,
        rural: 3.0,
        products: &[
            ("火锅底料", "万吨"),
            ("调味品", "万吨"),
            ("预制菜", "万吨"),
            ("榨菜", "万吨"),
            ("柑橘精深加工", "万吨"),
            ("肉制品", "万吨"),
            ("茶叶精深加工", "吨"),
            ("粮油加工", "万吨"),
            ("中药材饮片", "吨"),
            ("白酒", "千升"),
            ("饮料", "万吨"),
            ("冷鲜禽肉", "万羽"),
        ],
        facilities: &[
            "农产品精深加工产业园",
            "食品产业园",
            "冷链食品加工基地",
            "调味品产业园",
        ],
        investor_words: &["食品", "农业科技", "生物科技", "调味品", "粮油"],
    },
    IndustryWords {
        name: "软件信息服务",
        urban: 2.5,
        rural: 0.3,
        products: &[],
        facilities: &[
            "软件研发中心",
            "数字经济产业园",
            "数据中心",
            "工业互联网平台",
            "区域结算中心",
            "人工智能创新中心",
            "信创产业基地",
            "数字内容产业园",
        ],
        investor_words: &["信息技术", "软件", "数字科技", "网络科技", "数据科技"],
    },
    IndustryWords {
        name: "新型显示",
        urban: 1.2,
        rural: 0.2,
        products: &[
            ("柔性显示模组", "万片"),
            ("液晶显示面板", "万片"),
            ("Mini LED背光模组", "万片"),
            ("触控显示屏", "万片"),
            ("偏光片", "万平方米"),
        ],
        facilities: &["新型显示产业园"],
        investor_words: &["光电显示", "显示科技", "光电"],
    },
    IndustryWords {
        name: "高端摩托车",
        urban: 1.0,
        rural: 0.5,
        products: &[
            ("大排量摩托车", "万辆"),
            ("电动摩托车", "万辆"),
            ("摩托车发动机", "万台"),
            ("摩托车零部件", "万套"),
        ],
        facilities: &["摩托车产业园"],
        investor_words: &["摩托车", "机车", "动力"],
    },
    IndustryWords {
        name: "轻合金材料",
        urban: 1.0,
        rural: 1.2,
        products: &[
            ("铝合金型材", "万吨"),
            ("镁合金压铸件", "万件"),
            ("再生铝", "万吨"),
            ("铝箔", "万吨"),
            ("钛合金", "吨"),
        ],
        facilities: &["轻合金产业园"],
        investor_words: &["铝业", "合金科技", "金属材料"],
    },
    IndustryWords {
        name: "轻纺",
        urban: 0.5,
        rural: 1.5,
        products: &[
            ("功能性面料", "万米"),
            ("服装", "万件"),
            ("纸制品", "万吨"),
            ("家具", "万套"),
            ("鞋材", "万双"),
            ("纺织纱线", "万锭"),
        ],
        facilities: &["服装产业园", "轻纺产业园"],
        investor_words: &["纺织", "服饰", "家居", "纸业"],
    },
    IndustryWords {
        name: "生物医药",
        urban: 1.5,
        rural: 0.9,
        products: &[
            ("原料药", "吨"),
            ("医疗器械", "万台"),
            ("生物制剂", "万支"),
            ("中成药", "吨"),
            ("医用耗材", "万件"),
            ("疫苗", "万剂"),
        ],
        facilities: &["生物医药产业园", "医疗器械产业园", "中医药产业园"],
        investor_words: &["医药", "生物医药", "药业", "医疗科技", "健康科技"],
    },
    IndustryWords {
        name: "新能源及新型储能",
        urban: 1.4,
        rural: 1.6,
        products: &[
            ("储能电池", "GWh"),
            ("光伏组件", "GW"),
            ("储能变流器", "万台"),
            ("氢能装备", "套"),
        ],
        facilities: &[
            "分布式光伏发电",
            "风电场",
            "抽水蓄能电站",
            "新型储能电站",
            "综合能源站",
        ],
        investor_words: &["新能源", "能源科技", "储能科技", "光伏科技"],
    },
    IndustryWords {
        name: "现代服务业",
        urban: 2.5,
        rural: 0.8,
        products: &[],
        facilities: &[
            "西南区域总部",
            "商业综合体",
            "城市更新",
            "高端酒店",
            "消费中心",
            "金融服务中心",
            "人力资源产业园",
            "会展中心",
            "养老服务中心",
        ],
        investor_words: &["商业管理", "投资发展", "置业", "企业管理", "金融服务"],
    },
    IndustryWords {
        name: "现代物流",
        urban: 1.5,
        rural: 1.0,
        products: &[],
        facilities: &[
            "冷链物流园",
            "智慧物流园",
            "电商分拨中心",
            "陆港物流枢纽",
            "供应链基地",
            "仓储物流中心",
        ],
        investor_words: &["物流", "供应链管理", "仓储"],
    },
    IndustryWords {
        name: "文化旅游",
        urban: 0.6,
        rural: 3.0,
        products: &[],
        facilities: &[
            "康养旅游度假区",
            "民宿集群",
            "文旅综合体",
            "景区提档升级",
            "温泉度假酒店",
            "乡村旅游",
            "露营基地",
            "古镇文旅",
        ],
        investor_words: &["文化旅游", "旅游开发", "文旅发展", "康养"],
    },
    IndustryWords {
        name: "现代农业",
        urban: 0.1,
        rural: 2.5,
        products: &[],
        facilities: &[
            "柑橘产业园",
            "生态茶园",
            "中药材种植基地",
            "高标准农田",
            "生猪养殖基地",
            "花椒产业基地",
            "蔬菜保供基地",
            "稻渔综合种养",
        ],
        investor_words: &["农业开发", "生态农业", "农业科技", "种养殖"],
    },
];

/// Words for an industry the generator has no vocabulary for (a roster of another city).
pub const GENERIC_FACILITIES: &[&str] = &["产业园", "生产基地", "产业化基地", "研发中心", "综合体"];
/// Investor words for an unknown industry.
pub const GENERIC_INVESTOR_WORDS: &[&str] = &["实业", "科技", "投资发展", "产业发展"];

/// The words of a roster industry, if the generator knows it.
pub fn industry_words(name: &str) -> Option<&'static IndustryWords> {
    INDUSTRIES.iter().find(|i| i.name == name)
}

/// Characters of investor brand names (两字商号).
const BRAND_CHARS: &[char] = &[
    '华', '创', '恒', '瑞', '宏', '鑫', '隆', '泰', '达', '盛', '远', '佳', '德', '丰', '嘉', '越',
    '腾', '博', '昌', '晟', '润', '锦', '海', '益', '辉', '祥', '安', '荣', '卓', '凯', '信', '诚',
    '通', '宇', '力', '普', '天', '汇', '铭', '景', '源', '峰', '拓', '驰', '兴', '思', '睿', '骏',
    '翔', '启', '明', '朗', '航', '川', '富', '立', '科', '正', '元', '和',
];

/// A two-character brand (商号), e.g. `恒瑞`.
pub fn brand(rng: &mut Rng) -> String {
    let a = *rng.pick(BRAND_CHARS);
    let mut b = *rng.pick(BRAND_CHARS);
    while b == a {
        b = *rng.pick(BRAND_CHARS);
    }
    format!("{a}{b}")
}

/// Characters of the place words facility projects are named after (`龙湾`, `悦溪`).
const PLACE_FIRST: &[char] = &[
    '龙', '金', '玉', '凤', '云', '悦', '碧', '桃', '梅', '松', '竹', '枫', '青', '白', '紫', '翠',
    '银', '星', '月', '霞', '鹿', '鹤', '莲', '兰', '榕', '柳', '黄', '石', '铜', '铁',
];
const PLACE_SECOND: &[char] = &[
    '湾', '湖', '山', '岭', '溪', '坪', '坝', '桥', '塘', '滩', '峡', '谷', '台', '洲', '岩', '池',
    '庙', '沟', '垭', '峰', '林', '泉', '渡', '口', '寨', '堡', '场', '园', '港', '岛',
];

/// A two-character place word (地名) for facility projects, e.g. `龙湾`.
pub fn place(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(PLACE_FIRST), rng.pick(PLACE_SECOND))
}

/// A mainland place an investor comes from: (投资方来源地, prefix of its company name).
pub const DOMESTIC_ORIGINS: &[(&str, &str)] = &[
    ("广东省深圳市", "深圳市"),
    ("广东省广州市", "广州"),
    ("广东省东莞市", "东莞市"),
    ("广东省佛山市", "佛山市"),
    ("上海市", "上海"),
    ("北京市", "北京"),
    ("浙江省杭州市", "杭州"),
    ("浙江省宁波市", "宁波"),
    ("浙江省温州市", "温州"),
    ("江苏省苏州市", "苏州"),
    ("江苏省南京市", "南京"),
    ("江苏省无锡市", "无锡"),
    ("江苏省常州市", "常州"),
    ("福建省厦门市", "厦门"),
    ("福建省福州市", "福州"),
    ("山东省青岛市", "青岛"),
    ("山东省济南市", "济南"),
    ("四川省成都市", "成都"),
    ("湖北省武汉市", "武汉"),
    ("湖南省长沙市", "长沙"),
    ("陕西省西安市", "西安"),
    ("天津市", "天津"),
    ("安徽省合肥市", "合肥"),
    ("河南省郑州市", "郑州"),
    ("江西省南昌市", "南昌"),
    ("贵州省贵阳市", "贵阳"),
    ("云南省昆明市", "昆明"),
    ("广西壮族自治区南宁市", "南宁"),
];

/// The city's own investors (资金来源 市内).
pub const HOME_ORIGIN: (&str, &str) = ("重庆市", "重庆");

/// A foreign or Hong Kong investor's place and name pattern: (来源地, name parts).
pub const FOREIGN_ORIGINS: &[(&str, &[&str], &str)] = &[
    (
        "中国香港",
        &["恒基", "新鸿", "瑞安", "嘉华", "信和"],
        "国际控股有限公司",
    ),
    (
        "新加坡",
        &["丰益", "腾飞", "凯德", "星桥", "明辉"],
        "控股私人有限公司",
    ),
    (
        "德国",
        &["克莱恩", "霍夫曼", "贝格曼", "沃尔夫", "施泰因", "莱茵"],
        "股份公司",
    ),
    (
        "日本",
        &["三和", "东洋", "大和", "丰和", "日邦"],
        "株式会社",
    ),
    ("韩国", &["大成", "东远", "韩新", "世荣"], "株式会社"),
    ("美国", &["艾森", "博伦", "杰拓", "威尔森"], "公司"),
];

const SURNAMES: &[char] = &[
    '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭',
    '何', '林', '罗', '高', '谭', '冉', '向', '秦', '彭',
];
const GIVEN: &[&str] = &[
    "晓燕", "建国", "丽娟", "志强", "海燕", "明", "静", "伟", "敏", "俊杰", "雪梅", "红梅", "国庆",
    "小兵", "春兰", "思远", "佳", "琳", "涛", "云峰", "秀英", "德明", "玉洁", "江", "鹏", "婷婷",
    "文杰", "家豪",
];

/// A clerk's name (填报人, 审核人).
pub fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

/// A Chongqing office telephone number (023 area code).
pub fn phone(rng: &mut Rng) -> String {
    format!("023-{}{:07}", rng.pick(&[4, 6, 8]), rng.range(0, 9_999_999))
}

/// Capacities a `年产…` name uses.
pub const CAPACITIES: &[u32] = &[
    1, 2, 3, 5, 6, 8, 10, 12, 15, 20, 30, 50, 60, 80, 100, 120, 150, 200, 300, 500,
];

/// The roll-ups of a known industry: (一产/二产/三产, 工业/服务业 where it applies).
pub fn sector_of(industry: &str) -> (&'static str, Option<&'static str>) {
    match industry {
        "现代农业" => ("一产", None),
        "软件信息服务" | "现代服务业" | "现代物流" | "文化旅游" => {
            ("三产", Some("服务业"))
        }
        _ => ("二产", Some("工业")),
    }
}
