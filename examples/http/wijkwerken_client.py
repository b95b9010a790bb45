"""A client of the wijkwerken service, using only Python's standard library.

    from wijkwerken_client import Client, Problem

    c = Client("http://localhost:8080")            # token="..." if the service wants one
    d = c.decide({"person": {...}}, date="2024-03-01")
    d["eligibility"]["eligible"], d["explanations"]
    for result in c.decide_batch(lines):         # {"id", "date", "case"} dicts
        ...

Every error of the service is raised as Problem (RFC 9457), with its kind
("bad-case", "too-many-requests", ...) and the field errors with their
paths, lines and columns. 429 and 503 answers are retried after the
Retry-After the service gives, a few times.

Run it as a program for a short demonstration:

    python3 wijkwerken_client.py http://localhost:8080
"""

import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

PROBLEM_BASE = "https://github.com/openwijkwerken/wijkwerken/blob/main/docs/serve.md#"


class Problem(Exception):
    """An RFC 9457 problem answered by the service."""

    def __init__(self, status, doc, retry_after=None):
        self.status = status
        self.type = doc.get("type", "")
        self.kind = self.type[len(PROBLEM_BASE):] if self.type.startswith(PROBLEM_BASE) else self.type
        self.title = doc.get("title", "")
        self.detail = doc.get("detail", "")
        self.errors = doc.get("errors", [])
        self.request_id = doc.get("request_id", "")
        self.retry_after = retry_after
        super().__init__(f"{status} {self.kind}: {self.detail}")


class Client:
    def __init__(self, base_url, token=None, timeout=30, retries=3):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = retries

    def _request(self, method, path, body=None, content_type="application/json", query=None):
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
        for attempt in range(self.retries + 1):
            req = urllib.request.Request(url, data=data, method=method)
            if data is not None:
                req.add_header("Content-Type", content_type)
            if self.token:
                req.add_header("Authorization", "Bearer " + self.token)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return resp.read(), resp.headers
            except urllib.error.HTTPError as e:
                raw = e.read()
                try:
                    doc = json.loads(raw)
                except ValueError:
                    doc = {"detail": raw.decode(errors="replace")}
                retry_after = e.headers.get("Retry-After")
                if e.code in (429, 503) and retry_after and attempt < self.retries:
                    time.sleep(min(float(retry_after), 10))
                    continue
                raise Problem(e.code, doc, retry_after) from None

    def _json(self, method, path, body=None, query=None):
        raw, _ = self._request(method, path, body, query=query)
        return json.loads(raw)

    def decide(self, case, date=None, reforms=None, trace=False, lang=None):
        """The combined decision for a case (a dict as in case.schema.json)."""
        body = {"case": case}
        if date:
            body["date"] = date
        if reforms:
            body["reforms"] = [{"name": n, "content": c} for n, c in reforms]
        query = {"trace": "true" if trace else None, "lang": lang}
        return self._json("POST", "/v1/decide", body, query)

    def decide_batch(self, lines, explain=False, chunk=1000):
        """Decide many cases: yields one result dict per input line, in order.

        The lines go in requests of at most `chunk` lines, since urllib sends
        a whole request before it reads the answer.
        """
        batch = []
        for line in lines:
            batch.append(line)
            if len(batch) == chunk:
                yield from self._batch(batch, explain)
                batch = []
        if batch:
            yield from self._batch(batch, explain)

    def _batch(self, lines, explain):
        body = "".join(json.dumps(l) + "\n" for l in lines).encode()
        raw, _ = self._request("POST", "/v1/decide/batch", body, "application/x-ndjson",
                               {"explain": "true" if explain else None})
        for out in raw.decode().splitlines():
            if out.strip():
                yield json.loads(out)

    def parameters(self, at=None):
        return self._json("GET", "/v1/parameters", query={"at": at})

    def parameter(self, pid):
        return self._json("GET", "/v1/parameters/" + urllib.parse.quote(pid))

    def rules(self, area=None, at=None):
        return self._json("GET", "/v1/rules", query={"area": area, "at": at})

    def rule(self, rid):
        return self._json("GET", "/v1/rules/" + urllib.parse.quote(rid))

    def run_scenarios(self, files, reforms=None, coverage=False):
        """files: [(name, text)] of scenario files."""
        body = {"files": [{"name": n, "content": c} for n, c in files], "coverage": coverage}
        if reforms:
            body["reforms"] = [{"name": n, "content": c} for n, c in reforms]
        return self._json("POST", "/v1/scenarios/run", body)

    def compare(self, population, reforms):
        body = {"population": list(population), "reforms": [{"name": n, "content": c} for n, c in reforms]}
        return self._json("POST", "/v1/compare", body)

    def version(self):
        return self._json("GET", "/v1/version")


HOUSEHOLD = {
    "person": {"domicile_region": "flanders", "registered_jobseeker": True, "income": "none",
               "jobseeking_since": "2021-01-01", "interim_days_last_28": 3},
    "household": {"partner": {"income": "leefloon", "registered_jobseeker": False},
                  "ocmw_option": "refer_both", "vdab_consulted": True},
}

CAP_80 = ("cap-80.yaml", "reform: cap 80\ncite: example\nset:\n  - {param: hours.per_month_max, from: 2024-01-01, value: 80}\n")


def demo(url):
    c = Client(url)
    v = c.version()
    print("engine", v["engine"]["version"], "rulebook", v["rulebook"]["fingerprint"])

    d = c.decide(HOUSEHOLD, date="2024-03-01", lang="nl")
    print("eligible", d["eligibility"]["eligible"], "referrer", d["eligibility"]["referrer"])
    for r in d.get("explanations", []):
        print("reason", r["code"], "-", r["message"]["nl"])

    request = {"trajectory": {"start": "2024-01-01", "hours": {"2024-03": 59}},
               "request": {"date": "2024-03-20", "minutes": 70, "user": {"type": "private"}}}
    print("hours allowed", c.decide(request)["hours"]["allowed"],
          "with a cap of 80", c.decide(request, reforms=[CAP_80])["hours"]["allowed"])

    try:
        c.decide({"person": {"income": "salary"}}, date="2024-03-01")
    except Problem as p:
        for e in p.errors:
            print("problem", p.status, p.kind, e["field"], "line", e.get("line"), "column", e.get("column"))

    monthly = [x for x in c.parameters(at="2024-06-01")["values"] if x["id"] == "hours.per_month_max"][0]
    print("parameter", monthly["id"], monthly["value"], monthly["unit"])

    lines = [{"id": f"case-{i}", "date": "2024-03-01", "case": HOUSEHOLD} for i in range(2500)]
    results = list(c.decide_batch(lines, chunk=1000))
    print("batch", len(results), "results, first", results[0]["id"], "last", results[-1]["id"],
          "referrer", results[-1]["result"]["eligibility"]["referrer"])


if __name__ == "__main__":
    demo(sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8080")
