package dev.prescale.connectors.aws.local;

import java.util.UUID;

/** Builds AWS Query-protocol XML answers in the Auto Scaling 2011-01-01 namespace. */
final class QueryXml {
    static final String NAMESPACE = "http://autoscaling.amazonaws.com/doc/2011-01-01/";

    private final StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");

    QueryXml open(String element) {
        xml.append('<').append(element).append('>');
        return this;
    }

    QueryXml openRoot(String element) {
        xml.append('<').append(element).append(" xmlns=\"").append(NAMESPACE).append("\">");
        return this;
    }

    QueryXml close(String element) {
        xml.append("</").append(element).append('>');
        return this;
    }

    QueryXml element(String name, Object value) {
        if (value != null) {
            xml.append('<').append(name).append('>').append(escape(String.valueOf(value))).append("</").append(name).append('>');
        }
        return this;
    }

    QueryXml responseMetadata(String requestId) {
        return open("ResponseMetadata").element("RequestId", requestId).close("ResponseMetadata");
    }

    @Override
    public String toString() {
        return xml.toString();
    }

    static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    /** An answer with no result element (SetDesiredCapacity, CreateAutoScalingGroup). */
    static String emptyResponse(String action, String requestId) {
        return new QueryXml().openRoot(action + "Response").responseMetadata(requestId).close(action + "Response").toString();
    }

    /** AWS's error body: ErrorResponse / Error (Type, Code, Message) / RequestId. */
    static String error(String type, String code, String message, String requestId) {
        return new QueryXml().openRoot("ErrorResponse")
                .open("Error").element("Type", type).element("Code", code).element("Message", message).close("Error")
                .element("RequestId", requestId)
                .close("ErrorResponse").toString();
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<':
                    out.append("&lt;");
                    break;
                case '>':
                    out.append("&gt;");
                    break;
                case '&':
                    out.append("&amp;");
                    break;
                case '"':
                    out.append("&quot;");
                    break;
                case '\'':
                    out.append("&apos;");
                    break;
                default:
                    out.append(c);
            }
        }
        return out.toString();
    }
}
