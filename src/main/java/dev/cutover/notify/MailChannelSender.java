package dev.cutover.notify;

import dev.cutover.runbook.NotifyChannel;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailParseException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Sends a notice by SMTP through a {@link JavaMailSenderImpl} built for the channel from the
 * runbook's settings (not the service's own mail settings: each runbook names its server), with
 * the password resolved at send time. A refused login or an unparsable address is final; anything
 * else (server down, connection dropped) is worth another attempt.
 */
final class MailChannelSender {

    private final Duration timeout;

    MailChannelSender(Duration timeout) {
        this.timeout = timeout;
    }

    AttemptResult send(NotifyChannel.Mail mail, Notice notice, DeliverySecrets secrets) {
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setHost(mail.host());
        sender.setPort(mail.port());
        Properties properties = new Properties();
        if (mail.user() != null) {
            sender.setUsername(mail.user());
            properties.put("mail.smtp.auth", "true");
        }
        if (mail.password() != null) {
            sender.setPassword(secrets.resolve(mail.password()));
        }
        properties.put("mail.smtp.starttls.enable", Boolean.toString(mail.startTls()));
        properties.put("mail.smtp.starttls.required", Boolean.toString(mail.startTls()));
        String millis = Long.toString(timeout.toMillis());
        properties.put("mail.smtp.connectiontimeout", millis);
        properties.put("mail.smtp.timeout", millis);
        properties.put("mail.smtp.writetimeout", millis);
        sender.setJavaMailProperties(properties);

        Set<String> to = new LinkedHashSet<>(mail.to());
        to.addAll(notice.addresses());
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(mail.from());
        message.setTo(to.toArray(String[]::new));
        message.setSubject("[cutover] " + notice.title());
        message.setText(ChannelPayloads.mailText(notice));
        try {
            sender.send(message);
            return AttemptResult.delivered(null);
        } catch (MailAuthenticationException e) {
            return AttemptResult.finalFailure(null, "the SMTP server refused the login of user " + mail.user()
                    + ": " + secrets.mask(e.getMessage()));
        } catch (MailParseException e) {
            return AttemptResult.finalFailure(null, "the message could not be built: " + secrets.mask(e.getMessage()));
        } catch (MailException e) {
            return AttemptResult.retry(null, "SMTP " + mail.host() + ":" + mail.port() + " did not take the message: "
                    + secrets.mask(e.getMessage()));
        }
    }
}
