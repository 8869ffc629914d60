// "Download .xlsx / .csv" buttons for the schedule export (Schedule, Plan and Reports screens).

import { download, errorText } from "./api.js";
import { h, toast } from "./dom.js";

const FORMATS = { xlsx: "Download .xlsx", csv: "Download .csv" };

/**
 * A button group; `query()` gives the export's query at click time (dates, facility, plan_id),
 * `formats` which files to offer, `label` names the group for screen readers.
 */
export function downloadButtons({ query = () => ({}), formats = ["xlsx", "csv"], label = "Download the schedule", baseName = "schedule" } = {}) {
  const buttons = formats.map((format) =>
    h(
      "button",
      {
        type: "button",
        class: "btn",
        "data-format": format,
        onclick: async (event) => {
          const button = event.currentTarget;
          button.disabled = true;
          try {
            const name = await download(`exports/schedule.${format}`, query(), `${baseName}.${format}`);
            toast(`Downloaded ${name}.`, "success");
          } catch (err) {
            toast(`Download failed: ${errorText(err)}`, "error");
          } finally {
            button.disabled = false;
          }
        },
      },
      FORMATS[format],
    ),
  );
  return h("div", { class: "toolbar-group downloads", role: "group", "aria-label": label }, buttons);
}
