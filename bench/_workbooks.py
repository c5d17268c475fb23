"""Generated import files shared by the benchmarks and the scale check (Django must be set up)."""

import io


def plan_workbook(count: int) -> bytes:
    """A plan import workbook of `count` new tasks of the demo agency (section II.1.c): lead and
    coordinating units in turn, one task in ten recurring quarterly, the others with deadlines
    spread over 2026."""
    import openpyxl

    from plans.excel import COLUMNS

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([vi for _key, vi, _required, _width in COLUMNS])
    units = ["QLDN", "KHTH", "VP"]
    for n in range(count):
        row = {
            "code": f"B{n:05d}",
            "section": "II.1.c",
            "title": f"Nhiệm vụ cải cách hành chính số {n}",
            "lead_unit": units[n % 3],
            "coordinating_units": units[(n + 1) % 3],
            "start_date": "01/01/2026",
            "deadline": f"{1 + n % 28:02d}/{1 + n % 12:02d}/2026" if n % 10 else None,
            "recurrence": None if n % 10 else "hằng quý",
            "recurrence_day": None if n % 10 else 20,
            "expected_product": "Báo cáo kết quả",
        }
        sheet.append([row.get(key) for key, *_rest in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
