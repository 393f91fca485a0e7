// Prints the events of an .ics file as JSON, as ical.js (a browser calendar library) reads them.
// Exit 1 on a parse error, or when an event's TZID has no VTIMEZONE (ical.js would float it).
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(process.argv[2], "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
}
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  const start = event.startDate;
  const tzid = component.getFirstProperty("dtstart").getParameter("tzid") || null;
  if (tzid && !ICAL.TimezoneService.has(tzid)) {
    console.error(`event ${event.uid}: TZID ${tzid} has no VTIMEZONE`);
    process.exit(1);
  }
  const pad = (n) => String(n).padStart(2, "0");
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    date: `${start.year}-${pad(start.month)}-${pad(start.day)}`,
    all_day: start.isDate,
    utc: start.isDate ? null : start.toJSDate().toISOString(),
    end: event.endDate ? event.endDate.toString() : null,
    status: component.getFirstPropertyValue("status"),
    sequence: event.sequence,
  };
});
console.log(JSON.stringify({ name: calendar.getFirstPropertyValue("x-wr-calname"), events }));
