"""Typed actor dependencies, one per permission of `service.policy`: a handler that takes
one gets the signed-in actor, and a role without the permission gets 403 before it runs."""

from __future__ import annotations

from typing import Annotated

from schemeops.service.context import Actor
from schemeops.web.security import permission

ProgramReader = Annotated[Actor, permission("programs.read")]
ProgramWriter = Annotated[Actor, permission("programs.write")]
ProgramDecider = Annotated[Actor, permission("programs.decide")]
Publisher = Annotated[Actor, permission("programs.publish")]
RunReader = Annotated[Actor, permission("runs.read")]
Simulator = Annotated[Actor, permission("runs.simulate")]
RunStarter = Annotated[Actor, permission("runs.start")]
PayoutApprover = Annotated[Actor, permission("runs.approve")]
PeriodCloser = Annotated[Actor, permission("periods.close")]
Exporter = Annotated[Actor, permission("exports.create")]
DashboardReader = Annotated[Actor, permission("dashboards.read")]
EffectReader = Annotated[Actor, permission("effects.read")]
Auditor = Annotated[Actor, permission("audit.read")]
PortalUser = Annotated[Actor, permission("portal.read")]
ClaimSubmitter = Annotated[Actor, permission("claims.submit")]
ClaimReader = Annotated[Actor, permission("claims.read")]
ClaimDecider = Annotated[Actor, permission("claims.decide")]
CaseReader = Annotated[Actor, permission("cases.read")]
CaseDecider = Annotated[Actor, permission("cases.decide")]
DisputeOpener = Annotated[Actor, permission("disputes.open")]
DisputeReader = Annotated[Actor, permission("disputes.read")]
DisputeAnswerer = Annotated[Actor, permission("disputes.answer")]
DisputeResolver = Annotated[Actor, permission("disputes.resolve")]
UserManager = Annotated[Actor, permission("users.manage")]
EventReader = Annotated[Actor, permission("events.read")]
EventRetrier = Annotated[Actor, permission("events.retry")]
WebhookManager = Annotated[Actor, permission("webhooks.manage")]
JobReader = Annotated[Actor, permission("jobs.read")]
JobRunner = Annotated[Actor, permission("jobs.run")]
