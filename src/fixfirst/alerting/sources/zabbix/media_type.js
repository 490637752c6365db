// FixFirst webhook media type for Zabbix 6.0 or newer (paste as the media type's script).
//
// Posts every parameter except url, token and HTTPProxy as one JSON object to url (FixFirst's
// integration URL, which carries the integration key); a non-empty token is also sent as a
// Bearer header. Macros Zabbix could not resolve (e.g. {EVENT.RECOVERY.ID} in a problem
// message) are sent as "". Adds event_timestamp: {EVENT.DATE} {EVENT.TIME} in the Zabbix
// server's time zone, converted to UTC. Returns {"tags": {"itsm_incident": "<reference>"}}
// when FixFirst's reply names an incident ("incident", or the first of "incidents_opened"),
// for "Process tags".
var FixFirst = {
    skipped: ['url', 'token', 'HTTPProxy'],
    unresolved: /^(\{[A-Z0-9_.$#]+\}|\*UNKNOWN\*)$/,

    body: function (params) {
        var body = {}, name, item;
        for (name in params) {
            if (!params.hasOwnProperty(name) || FixFirst.skipped.indexOf(name) !== -1) {
                continue;
            }
            item = typeof params[name] === 'string' ? params[name].trim() : params[name];
            body[name] = FixFirst.unresolved.test(item) ? '' : item;
        }
        if (typeof body.event_tags_json === 'string' && body.event_tags_json !== '') {
            try {
                body.event_tags_json = JSON.parse(body.event_tags_json);
            }
            catch (error) {
                body.event_tags_json = '';
            }
        }
        body.event_timestamp = FixFirst.timestamp(body.event_date, body.event_time);
        return body;
    },

    // "2026.11.23" and "12:07:46" (server local time) -> "2026-11-23T11:07:46.000Z", or "".
    timestamp: function (date, time) {
        var d = /^(\d{4})\.(\d{2})\.(\d{2})$/.exec(date || ''),
            t = /^(\d{2}):(\d{2}):(\d{2})$/.exec(time || ''),
            local;
        if (!d || !t) {
            return '';
        }
        local = new Date(+d[1], +d[2] - 1, +d[3], +t[1], +t[2], +t[3]);
        return isNaN(local.getTime()) ? '' : local.toISOString();
    },

    send: function (params, body) {
        var request = new HttpRequest(), response, status, reply, tags = {};
        if (typeof params.HTTPProxy === 'string' && params.HTTPProxy.trim() !== '') {
            request.setProxy(params.HTTPProxy.trim());
        }
        request.addHeader('Content-Type: application/json');
        if (typeof params.token === 'string' && params.token.trim() !== '') {
            request.addHeader('Authorization: Bearer ' + params.token.trim());
        }
        Zabbix.log(4, '[FixFirst webhook] sending: ' + JSON.stringify(body));
        response = request.post(params.url.trim(), JSON.stringify(body));
        status = request.getStatus();
        Zabbix.log(4, '[FixFirst webhook] HTTP ' + status + ': ' + response);
        if (status < 200 || status >= 300) {
            throw 'FixFirst answered HTTP ' + status + ': ' + String(response).substring(0, 500);
        }
        try {
            reply = JSON.parse(response) || {};
            if (typeof reply.incident === 'string' && reply.incident !== '') {
                tags.itsm_incident = reply.incident;
            }
            else if (reply.incidents_opened instanceof Array && typeof reply.incidents_opened[0] === 'string') {
                tags.itsm_incident = reply.incidents_opened[0];
            }
        }
        catch (error) {
            // A 2xx without a JSON body still means the event was accepted.
        }
        return JSON.stringify({tags: tags});
    }
};

try {
    var params = JSON.parse(value);
    if (typeof params.url !== 'string' || !/^https?:\/\/\S+$/i.test(params.url.trim())) {
        throw 'parameter "url" must be the FixFirst integration URL (http:// or https://)';
    }
    return FixFirst.send(params, FixFirst.body(params));
}
catch (error) {
    Zabbix.log(3, '[FixFirst webhook] notification failed: ' + error);
    throw 'FixFirst notification failed: ' + error;
}
