"""First-level divisions of the demo countries with their capitals' coordinates and rounded populations.

Coordinates are those of each region's capital (the seat of the provincial government),
to two or four decimals; populations are rounded 2023 resident counts in millions, used only
as sampling weights (Korea: Ministry of the Interior and Safety resident registration;
Indonesia: BPS mid-year estimates). Figures are approximate by design: the data is synthetic.
"""

from __future__ import annotations

from lmis.demo.model import Region

# The 17 first-level divisions of the Republic of Korea (8 cities, 9 provinces), in the
# statistical order; Gangwon and Jeonbuk are "special self-governing provinces" since 2023/2024.
KOREA = (
    Region("Seoul", "서울특별시", "Seoul", 37.5665, 126.9780, 9.39),
    Region("Busan", "부산광역시", "Busan", 35.1796, 129.0756, 3.29),
    Region("Daegu", "대구광역시", "Daegu", 35.8714, 128.6014, 2.37),
    Region("Incheon", "인천광역시", "Incheon", 37.4563, 126.7052, 3.00),
    Region("Gwangju", "광주광역시", "Gwangju", 35.1595, 126.8526, 1.42),
    Region("Daejeon", "대전광역시", "Daejeon", 36.3504, 127.3845, 1.44),
    Region("Ulsan", "울산광역시", "Ulsan", 35.5384, 129.3114, 1.10),
    Region("Sejong", "세종특별자치시", "Sejong", 36.4800, 127.2890, 0.39),
    Region("Gyeonggi-do", "경기도", "Suwon", 37.2636, 127.0286, 13.63),
    Region("Gangwon", "강원특별자치도", "Chuncheon", 37.8813, 127.7298, 1.53),
    Region("Chungcheongbuk-do", "충청북도", "Cheongju", 36.6424, 127.4890, 1.59),
    Region("Chungcheongnam-do", "충청남도", "Hongseong", 36.6012, 126.6608, 2.13),
    Region("Jeonbuk", "전북특별자치도", "Jeonju", 35.8242, 127.1480, 1.75),
    Region("Jeollanam-do", "전라남도", "Muan", 34.8161, 126.4629, 1.80),
    Region("Gyeongsangbuk-do", "경상북도", "Andong", 36.5684, 128.7294, 2.55),
    Region("Gyeongsangnam-do", "경상남도", "Changwon", 35.2281, 128.6811, 3.25),
    Region("Jeju", "제주특별자치도", "Jeju", 33.4996, 126.5312, 0.67),
)

# The 38 provinces of Indonesia (since the Papua split of 2022); the English name is the
# Indonesian one, the province's own name in Indonesian is the local name.
INDONESIA = (
    Region("Aceh", "Aceh", "Banda Aceh", 5.5483, 95.3238, 5.48),
    Region("North Sumatra", "Sumatera Utara", "Medan", 3.5952, 98.6722, 15.39),
    Region("West Sumatra", "Sumatera Barat", "Padang", -0.9471, 100.4172, 5.76),
    Region("Riau", "Riau", "Pekanbaru", 0.5071, 101.4478, 6.64),
    Region("Jambi", "Jambi", "Jambi", -1.6101, 103.6131, 3.68),
    Region("South Sumatra", "Sumatera Selatan", "Palembang", -2.9761, 104.7754, 8.74),
    Region("Bengkulu", "Bengkulu", "Bengkulu", -3.8004, 102.2655, 2.09),
    Region("Lampung", "Lampung", "Bandar Lampung", -5.3971, 105.2668, 9.31),
    Region("Bangka Belitung Islands", "Kepulauan Bangka Belitung", "Pangkalpinang", -2.1316, 106.1169, 1.49),
    Region("Riau Islands", "Kepulauan Riau", "Tanjung Pinang", 0.9186, 104.4551, 2.15),
    Region("Jakarta", "DKI Jakarta", "Jakarta", -6.2088, 106.8456, 10.67),
    Region("West Java", "Jawa Barat", "Bandung", -6.9175, 107.6191, 49.86),
    Region("Central Java", "Jawa Tengah", "Semarang", -6.9667, 110.4167, 37.54),
    Region("Yogyakarta", "DI Yogyakarta", "Yogyakarta", -7.7956, 110.3695, 3.74),
    Region("East Java", "Jawa Timur", "Surabaya", -7.2575, 112.7521, 41.42),
    Region("Banten", "Banten", "Serang", -6.1200, 106.1503, 12.31),
    Region("Bali", "Bali", "Denpasar", -8.6705, 115.2126, 4.43),
    Region("West Nusa Tenggara", "Nusa Tenggara Barat", "Mataram", -8.5833, 116.1167, 5.56),
    Region("East Nusa Tenggara", "Nusa Tenggara Timur", "Kupang", -10.1772, 123.6070, 5.57),
    Region("West Kalimantan", "Kalimantan Barat", "Pontianak", -0.0263, 109.3425, 5.62),
    Region("Central Kalimantan", "Kalimantan Tengah", "Palangka Raya", -2.2161, 113.9135, 2.74),
    Region("South Kalimantan", "Kalimantan Selatan", "Banjarbaru", -3.4425, 114.8450, 4.18),
    Region("East Kalimantan", "Kalimantan Timur", "Samarinda", -0.5022, 117.1536, 3.93),
    Region("North Kalimantan", "Kalimantan Utara", "Tanjung Selor", 2.8375, 117.3653, 0.72),
    Region("North Sulawesi", "Sulawesi Utara", "Manado", 1.4748, 124.8421, 2.66),
    Region("Central Sulawesi", "Sulawesi Tengah", "Palu", -0.8917, 119.8707, 3.09),
    Region("South Sulawesi", "Sulawesi Selatan", "Makassar", -5.1477, 119.4327, 9.36),
    Region("Southeast Sulawesi", "Sulawesi Tenggara", "Kendari", -3.9985, 122.5120, 2.75),
    Region("Gorontalo", "Gorontalo", "Gorontalo", 0.5435, 123.0568, 1.20),
    Region("West Sulawesi", "Sulawesi Barat", "Mamuju", -2.6748, 118.8885, 1.47),
    Region("Maluku", "Maluku", "Ambon", -3.6954, 128.1814, 1.91),
    Region("North Maluku", "Maluku Utara", "Sofifi", 0.7370, 127.5580, 1.34),
    Region("Papua", "Papua", "Jayapura", -2.5337, 140.7181, 1.06),
    Region("West Papua", "Papua Barat", "Manokwari", -0.8615, 134.0620, 0.57),
    Region("South Papua", "Papua Selatan", "Merauke", -8.4932, 140.4018, 0.53),
    Region("Central Papua", "Papua Tengah", "Nabire", -3.3669, 135.4960, 1.47),
    Region("Highland Papua", "Papua Pegunungan", "Wamena", -4.0958, 138.9500, 1.45),
    Region("Southwest Papua", "Papua Barat Daya", "Sorong", -0.8762, 131.2558, 0.63),
)

# The generic profile keeps the OEWS data on its own terms (US dollars, yearly pay), so its
# handful of regions are six populous US states at their capitals (2023 populations).
GENERIC = (
    Region("California", "California", "Sacramento", 38.5816, -121.4944, 38.97),
    Region("Texas", "Texas", "Austin", 30.2672, -97.7431, 30.50),
    Region("Florida", "Florida", "Tallahassee", 30.4383, -84.2807, 22.61),
    Region("New York", "New York", "Albany", 42.6526, -73.7562, 19.57),
    Region("Illinois", "Illinois", "Springfield", 39.7817, -89.6501, 12.55),
    Region("Ohio", "Ohio", "Columbus", 39.9612, -82.9988, 11.79),
)
