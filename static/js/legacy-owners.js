// Records an account made before storage v3: migrations.js gave them the owner
// "?<account id>" (the id their outbox item claimed), shown to nobody. The page only knows
// the signed-in account by its opaque tag, so, signed in, it asks the server once which of
// those ids is this account (POST /api/v1/device/owners), and hands that account's records
// its tag: they come back exactly for the person they belong to. Asked once per account.
import * as store from "./store.js";
import * as owner from "./owner.js";
import * as outbox from "./outbox.js";
import { url } from "./routes.js";

const META = "legacy-owners"; // { key, accounts: ids still waiting, asked: tags already asked }

// Resolves true when some records came back to the signed-in account.
export async function claim() {
  const who = owner.current();
  const waiting = await store.get("meta", META);
  if (!who || !waiting || waiting.asked.includes(who) || !navigator.onLine) return false;
  let answer;
  try {
    const response = await fetch(url("api_owners"), {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ accounts: waiting.accounts }),
    });
    if (!response.ok) return false;
    answer = await response.json();
  } catch {
    return false; // no signal: the next page asks
  }
  if (answer.owner !== who) return false; // signed out, or in as someone else, meanwhile
  for (const account of answer.mine) await adopt(`?${account}`, who);
  const accounts = waiting.accounts.filter((a) => !answer.mine.includes(a));
  if (accounts.length) await store.put("meta", { ...waiting, accounts, asked: [...waiting.asked, who] });
  else await store.remove("meta", META);
  if (answer.mine.length) outbox.announce();
  return answer.mine.length > 0;
}

// Give every record of `from` to `to`; a keyed-by-owner record moves to its new key at once.
async function adopt(from, to) {
  for (const item of await store.all("outbox")) {
    if (item.owner === from) await store.put("outbox", { ...item, owner: to });
  }
  for (const [name, field] of [["drafts", "key"], ["dossiers", "code"]]) {
    for (const record of await store.all(name)) {
      if (record.owner !== from) continue;
      const moved = owner.key(owner.name(record[field], from), to);
      await store.replace(name, record[field], { ...record, [field]: moved, owner: to });
    }
  }
}
