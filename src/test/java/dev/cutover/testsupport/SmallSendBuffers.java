package dev.cutover.testsupport;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Small socket send buffers on the service's connector, so that a client that stops reading (a
 * frozen laptop on the war-room Wi-Fi) blocks a writer after a few KB, not after the 4 MB Linux
 * grants a loopback socket. Part of the shared {@link ServiceTest} context rather than of the one
 * test that needs it: a context of its own cost that test ~30 s of CI.
 */
@TestConfiguration(proxyBeanMethods = false)
public class SmallSendBuffers {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> smallSendBuffers() {
        return factory -> factory.addConnectorCustomizers(connector -> connector.setProperty("socket.txBufSize", "4096"));
    }
}
