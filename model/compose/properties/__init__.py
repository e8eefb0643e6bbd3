"""The properties checked on a lab's composed model, each naming the requirement IDs it checks.

Every property is stated over what an administrator or a client would observe, in the seed's own
units, never with the guard or constant that enforces it (STYLE.md rule 13):
- time bounds compare an instance's elapsed minutes (its timer, in the clock's quanta) with the
  seed's minutes written out here: 30 ("Wait up to 30 minutes", CERT-2) and 60 (the policy cycle
  "one hour by default", REG-5), so a deadline declared one quantum too long fails them;
- "what happens if" claims ask the model: the successors of an administrator's or a client's step
  from the world at hand (a notification sent now, "select HTTPS only" now), so a removed or
  redirected row fails them.

Most properties are checked on the lab's model as configured. Some claims are about a restricted
situation, and are checked on a variant of the same declarations:
- "without approval": the administrator's "approve the client" row is left out, so a client that
  becomes registered did so on its own evidence (SEC-2, REG-3);
- "from enhanced HTTP off": the lab's site before "Configure the site" (the option off, no role
  certificate anywhere) with "HTTPS or HTTP" selected, and enabling the option as the
  administrator's only step (the seed's "Select the option for HTTPS or HTTP and then enable the
  option"), so a witness shows the documented path: enable the option, then the role
  certificates are issued and bound (SITE-1, CERT-1), and a declaration that turns the option on
  by another way does not meet it;
- "after enabling": from there, the administrator enables the option, then only the system's own
  steps run, so the site must issue and bind every role certificate on its own (CERT-1, CERT-2);
- "then HTTPS only": from a site with enhanced HTTP on and HTTPS or HTTP (the lab as configured,
  or the option enabled as the seed says), selecting HTTPS only is the administrator's only step
  (SITE-2: the console allows the unsupported combination);
- "toggling the option only": from the lab as configured, enabling and disabling the option are
  the administrator's only steps, so CERT-3's witness is the seed's cause ("Rapidly and
  repeatedly enabling and disabling the option"), not a restart of smsexec or a deletion, and a
  client due to re-register became due by enabling (REG-4), not by a return from HTTPS only;
- "after the workaround": from every reachable world of the lab (clients included) that shows
  CERT-3's symptom, the seed's workaround as written ("Delete all certificates issued by SMS
  Issuing" from the SMS certificate store, then restart the smsexec service), then only the
  system's own steps (CERT-4);
- "after a restart alone": from every reachable world of the lab that shows CERT-3's symptom at
  every HTTP site system, the administrator restarts the smsexec service, then every step but
  the deletion of the certificates (A-3's consequence: restarting alone, or enabling the option
  again, does not help, which is why the seed's workaround deletes the certificates first).
A site without the option (1706, 1802, or 1806 without pre-release features) is checked for
"enhanced HTTP is never on" instead of the enhanced HTTP claims.

The families live one to a module: `site.py` (SITE), `binding.py` (CERT, the role certificates),
`clients.py` (REG and SEC, registration and notification), `downloads.py` (DP); `common.py` holds
`Check`, the variants and their starting worlds, and the probes; `checks.py` puts them together
in report order (`lab_checks`), with deadlock freedom and recovery.
"""

from ehttp.compose.properties.checks import lab_checks
from ehttp.compose.properties.common import (
    AFTER_ENABLING,
    FROM_OFF,
    LAB,
    NO_APPROVAL,
    RESTART_ALONE,
    SELECT_HTTPS_ONLY,
    SELECT_HTTPS_OR_HTTP,
    THEN_HTTPS_ONLY,
    TOGGLING,
    VARIANT_ADMINISTRATOR,
    VARIANT_WITHOUT,
    WORKAROUND,
    Check,
    enabled_start,
    enhanced_start,
    from_off_start,
    has_option,
    probe,
    restart_alone_starts,
    row_variants,
    stranded,
    stranded_promela,
    variant_without,
    workaround_starts,
)

__all__ = [
    "AFTER_ENABLING",
    "FROM_OFF",
    "LAB",
    "NO_APPROVAL",
    "RESTART_ALONE",
    "SELECT_HTTPS_ONLY",
    "SELECT_HTTPS_OR_HTTP",
    "THEN_HTTPS_ONLY",
    "TOGGLING",
    "VARIANT_ADMINISTRATOR",
    "VARIANT_WITHOUT",
    "WORKAROUND",
    "Check",
    "enabled_start",
    "enhanced_start",
    "from_off_start",
    "has_option",
    "lab_checks",
    "probe",
    "restart_alone_starts",
    "row_variants",
    "stranded",
    "stranded_promela",
    "variant_without",
    "workaround_starts",
]
