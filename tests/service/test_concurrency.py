"""Several clients on one database at once, as behind the server or with parallel notebooks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.service.builders import boxes, image, row

from assay.service import Service


def test_parallel_writers_all_succeed(database_url: str, service: Service) -> None:
    model = service.create_model("Detection", "model")

    def work(worker: int) -> int:
        own = Service.from_url(database_url)
        try:
            case = own.create_test_case("Detection", f"case-{worker}")
            # Every worker adds the shared samples 0-9 and ten of its own.
            ids = [*range(10), *range(100 * (worker + 1), 100 * (worker + 1) + 10)]
            case = own.edit_test_case(case.id, add=[row(i, metadata={f"w{worker}": True}) for i in ids])
            own.upload_inferences(model.id, [(image(i), boxes(i)) for i in ids[10:]])
            return case.n_samples
        finally:
            own.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        sizes = list(pool.map(work, range(4)))
    assert sizes == [20] * 4
    shared = service.load_test_case_samples(service.load_test_case("case-0").id)[0]
    assert shared.metadata == {f"w{worker}": True for worker in range(4)}
    assert sum(len(service.load_inferences(model.id, c.id)) for c in service.list_test_cases()) == 40
