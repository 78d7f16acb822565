// Sorting and filtering of the route table. Everything the page shows
// from code is already in the document as text: this script only reads
// text and moves or hides rows, it never writes markup.
"use strict";
(function () {
	const table = document.getElementById("routes");
	const body = table.tBodies[0];
	const rows = Array.from(body.rows);
	const form = document.getElementById("controls");
	const filter = document.getElementById("filter");
	const shown = document.getElementById("shown");
	const boxes = Array.from(form.querySelectorAll("input[name=status]"));
	const heads = Array.from(table.tHead.rows[0].cells);
	// What the filter searches: every cell's text, cells apart, so that a
	// query never matches across two cells.
	const text = new Map(rows.map((r) => [r, Array.from(r.cells, (c) => c.textContent).join("\n").toLowerCase()]));
	const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

	function apply() {
		const on = new Set(boxes.filter((b) => b.checked).map((b) => b.value));
		const q = filter.value.trim().toLowerCase();
		let n = 0;
		for (const r of rows) {
			const show = on.has(r.dataset.status) && (q === "" || text.get(r).includes(q));
			r.hidden = !show;
			if (show) n++;
		}
		shown.value = String(n);
	}

	function key(row, col) {
		const cell = row.cells[col];
		return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent;
	}

	function sortBy(col, dir) {
		const sign = dir === "descending" ? -1 : 1;
		const sorted = rows.slice().sort((a, b) =>
			sign * collator.compare(key(a, col), key(b, col)) || Number(a.dataset.i) - Number(b.dataset.i));
		const frag = document.createDocumentFragment();
		for (const r of sorted) frag.appendChild(r);
		body.appendChild(frag);
		heads.forEach((h, i) => {
			if (i === col) h.setAttribute("aria-sort", dir);
			else h.removeAttribute("aria-sort");
		});
	}

	heads.forEach((h, i) => {
		h.querySelector("button").addEventListener("click", () => {
			sortBy(i, h.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending");
		});
	});
	form.addEventListener("input", apply);
	form.addEventListener("submit", (e) => e.preventDefault());
	for (const b of document.querySelectorAll("button.show")) {
		b.addEventListener("click", () => {
			filter.value = b.dataset.value;
			apply();
			filter.focus();
			table.scrollIntoView();
		});
	}
	// A printed page shows every claim's routes.
	window.addEventListener("beforeprint", () => {
		for (const d of document.querySelectorAll("details.claim")) d.open = true;
	});
	form.hidden = false;
	apply();
})();
