/**
 * The receiving server's words, matched to a reason. Servers say the same
 * thing in many ways ("user unknown", "no such mailbox", "550 5.1.1 ... does
 * not exist"), and the words are more specific than the status code: a
 * 5.1.1 that says "mailbox full" is a full mailbox, a 5.7.1 that says "user
 * unknown" is an unknown user. The phrases were chosen by reading sisimai's
 * corpus; the order matters, the first reason whose pattern matches wins
 * (a quota message often also says "rejected", so mailboxfull comes first).
 */
import type { Reason } from './reasons.js';

type Rule = readonly [Reason, RegExp];

/** Reasons about the reader's mailbox or the message size: checked before anything that might also match. */
const MAILBOX_RULES: Rule[] = [
  ['mailererror', /^(procmail|maildrop):|command died|pipe to \||x-unix;/],
  ['mailboxfull', /mailbox (is |was )?full|full mailbox|mailbox (quota|size) (usage )?exceeded|over ?quota|quota (exceeded|violation)|exceed(s|ed|ing) (its |the |their )?(mailbox |storage |disk )?(quota|storage allocation)|insufficient (disk|storage|system storage)|not enough (disk|storage) space|(disk|mailbox|user)(disk)? (space|quota) (limit|has been used up)|mailfolder is full|no space left|has exceeded its disk space|too much mail data|boite du destinataire pleine|would exceed maximum allowed storage|too many messages on the server|space has been used up/],
  ['mesgtoobig', /message (is )?too (big|large)|message size exceeds|exceeded (the )?maximum (inbound|incoming) message size|max(imum)? message size exceeded|message length exceeds|message file too big|size limit|taille limite du message/],
  ['exceedlimit', /message (too large|exceeds) (for this|the administrative)|exceeds? (the )?(local )?recipient limit/],
  ['suspend', /(is|been|currently|account|mailbox|user) (temporarily |currently )?suspended|mailbox (is )?(disabled|frozen)|account (has been )?(disabled|locked|deactivated|inactive)|inactive (account|user)|invalid\/inactive user|deactivated mailbox|user (is )?terminated|temporarily inactive|no longer accepts mail|archived recipient|email account that you tried to reach is disabled|this mailbox is disabled|user or domain is disabled|recipient suspend/],
  ['hasmoved', /has moved|address (has )?changed|no forwarding address|mailbox (has )?moved/],
];

/** Reasons about our sending: authentication, relaying, reverse DNS, reputation. */
const SENDER_RULES: Rule[] = [
  ['rejected', /domain of sender address|sender address.{0,60}(does not exist|rejected|unknown|invalid)|sender domain.{0,40}(does not exist|unknown|invalid|must exist)|(invalid|unknown|bogus) sender/],
  ['blocked', /my name was rejected|helo command rejected|invalid helo/],
  ['networkerror', /(host|domain) not found, try again|name service error.{0,80}try again/],
  ['norelaying', /relay(ing)? (access )?(denied|not permitted)|not (permitted|allowed) to relay|no relaying|unable to relay|insecure mail relay|not an open relay|we don't handle mail for|not configured to relay/],
  ['authfailure', /\bspf\b.{0,40}(fail|violation|record|check)|sender policy framework|\bdkim\b.{0,40}(fail|invalid|signature)|dmarc (policy|fail|check)|(pass|passing) (either )?spf|unauthenticated email|authentication checks|not (pass|passing) authentication|5\.7\.2[3-9]/],
];

/** The reader's address or domain is gone. */
const ADDRESS_RULES: Rule[] = [
  ['userunknown', /(user|recipient|mailbox|address|account|addressee)( name)? (is )?(unknown|not found|not known|does not exist|doesn't exist|not exist|invalid|unavailable|not present)|unknown (user|recipient|mailbox|address(?! error)|local ?part|e-?mail address)|no such (user|mailbox|recipient|person|address|account)|(invalid|bad|unknown|non-?existent) (recipient|mailbox|address|user|destination)|does not exist|doesn't exist|not a (valid|known) (user|recipient|mailbox)|is not a known user|no (mailbox|account) (by that name|here|found|available)|user( account)? doesn't have|addressee unknown|(recipient|user) rejected: (invalid|unknown)|not our customer|not listed in|badrcptto|validrcptto|recipient not (ok|found|exist)|no valid recipients|recipient address rejected: (access denied|user unknown)|mailbox unavailable|resolver\.adr\.recipnotfound|resolver\.adr\.recipient ?notfound|this spectator does not exist|utilisateur inconnu|there is no one at this address|no existe|destination addresses were unknown|email name is not found|user missing home directory|can't accept user|not a local address|address not present|no account by that name|wrong or no longer valid|no longer (valid|available)|is not an active address|recipient address rejected(\.|$|;? ?\(in reply)|address couldn't be found|invalid final delivery userid|recipient name is not recognized/],
  ['hostunknown', /host (or domain name )?(not found|unknown)|unknown host|domain (does not exist|not found|not exist|must exist|is not reachable)|no such domain|unknown domain|name or service not known|unrout(e)?able (address|mail domain)|mail domain mentioned in email address is unknown|recipient domain must exist|nxdomain|no mx (record|host)|invalid domain|illegal host|account or domain may not exist|couldn't find a mail exchanger|no mx found|dns (lookup|error).{0,30}(fail|no such)|domain name not found/],
  ['notaccept', /does not accept (e-?)?mail|indicated no smtp service|not accepting (any )?mail|null ?mx|mail receiving disabled|accept no mail/],
];

/** The receiving side's filters, policies and state. */
const FILTER_RULES: Rule[] = [
  ['filtered', /refused due to recipient preferences|user refuses|user reject|recipient is only accepting mail from|blocked by the recipient|message filtered|due to extended inactivity|restricted sms e-mail|refuse to receive mail|this account is protected by/],
  ['requireptr', /reverse dns|\bptr\b|rdns|ip name lookup failed|cannot find your hostname|cannot resolve your address|unresolvable relay host name|reverse lookup|generic dns|dynamic ip/],
  ['notcompliantrfc', /rfc ?5322|rfc ?2822|not rfc.{0,10}compliant|rfcmessagenoncompliant|duplicate header/],
  ['badreputation', /reputation|user complaints/],
  ['contenterror', /header size exceeds|improper use of 8-bit|mime complexity|invalid mime headers|improperly-formatted binary|unnecessary base64|too many received/],
  ['virusdetected', /virus|malware|executable (attachment|files?)|potentially executable/],
  ['spamdetected', /spam|unsolicited|bulk (e-?mail|mail)|content (filter )?reject|message content rejected|rejected for policy reasons.{0,40}content|junk|phish|suspicious (content|url)|blacklisted url/],
  ['rejected', /sender (address )?(rejected|blacklisted|denied|not pre-approved|is in my black list|verify failed)|(invalid|bogus|unknown) sender|domain of sender address|sender domain|address rejected.{0,30}mail from|mail from.{0,40}(rejected|not owned|denied|refused)|null sender|envelope sender|batv|backscatter|returned mail not accepted|not a registered gateway user|from: domain is invalid|emetteur invalide/],
  ['speeding', /rate limit|try again slower|sending too fast|too fast/],
  ['toomanyconn', /too many (connections|concurrent|smtp sessions|errors|recipients)|connection limit|max(imum)? (emails|connections) per|throttl|daily message quota|trop de connexions|numerous attempts/],
  ['policyviolation', /polic(y|ies)|closed mailing list|members-only|not subscribed to this group|organi[sz]ation(al)? (settings|policy)|illegal attachment|attachments? (are |is )?not (allowed|accepted)|mass mailer|low priority|protocol violation/],
  ['blocked', /block(ed|list)|black ?list|denylist|dnsbl|\brbl\b|spamhaus|spamcop|banned|not allowed to send|client host rejected|helo command rejected|your (ip|host)|ip address|connection (refused|dropped|reset)|go away|access denied|not authorized|poor (ip|sender)|listed (at|in|on)/],
];

/** Failures on the way: expiry, the network, the remote system. */
const TRANSIT_RULES: Rule[] = [
  ['expired', /expired|timed? ?out|giving up|gave up|too long in (the )?queue|in the queue too long|delivery attempts will continue|has been delayed|could not be delivered for more than|not reachable within|retry time not reached|server did not respond|unable to deliver message after multiple retries|failing for a long time/],
  ['networkerror', /no route to host|host is unreachable|host name lookup failure|name server|mail(ing)? loop|forwarding loop|routing loop|too many hops|hop count exceeded|message looping|could not connect|dns records for the destination|unable to resolve route|connection (failure|failed|closed)|network (error|failure)/],
  ['systemfull', /mail system full|system (storage|disk) (is )?full/],
  ['systemerror', /system (config(uration)? )?error|internal (server )?error|local (configuration )?error|configuration error|temporary (local )?(problem|failure)|service (currently )?unavailable|queue file write error|interrupted system call|misconfigured|loops back to myself|transaction failed|error while being processed/],
  ['failedstarttls', /starttls|tls required|requires? tls/],
  ['securityerror', /authentication (required|failure|credentials)|you don't authenticate|not authorized to send|unauthenticated senders|verification failure/],
  ['mailererror', /mailer error|procmail|maildrop|command (failed|died)|pipe to \||x-unix/],
  ['syntaxerror', /syntax error|command unrecognized|unrecognized command|bad sequence of commands/],
];

const RULES: readonly Rule[] = [...MAILBOX_RULES, ...SENDER_RULES, ...ADDRESS_RULES, ...FILTER_RULES, ...TRANSIT_RULES];

/** The first reason the text names (leaving out some), or undefined. */
export function reasonFromText(text: string, except: readonly Reason[] = []): Reason | undefined {
  const lower = text.toLowerCase().replace(/\s+/g, ' ');
  if (lower.trim() === '') return undefined;
  for (const [reason, pattern] of RULES) if (!except.includes(reason) && pattern.test(lower)) return reason;
  return undefined;
}
