package dev.cutover.dashboard;

import java.util.Map;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.thymeleaf.context.IExpressionContext;
import org.thymeleaf.context.IWebContext;
import org.thymeleaf.linkbuilder.StandardLinkBuilder;
import org.thymeleaf.spring6.SpringTemplateEngine;

/**
 * Lets templates render outside a request with their {@code @{/...}} links intact: the live parts
 * pushed to every open page are rendered once on a background thread, where Thymeleaf would refuse a
 * context-relative link. The service is always deployed at the root, so such a link is the path itself.
 */
@Configuration(proxyBeanMethods = false)
class ServerRelativeLinks {

    @Bean
    static BeanPostProcessor serverRelativeLinksOutsideRequests() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof SpringTemplateEngine engine) {
                    engine.setLinkBuilder(new LinkBuilder());
                }
                return bean;
            }
        };
    }

    static final class LinkBuilder extends StandardLinkBuilder {

        @Override
        protected String computeContextPath(IExpressionContext context, String base, Map<String, Object> parameters) {
            return context instanceof IWebContext ? super.computeContextPath(context, base, parameters) : "";
        }
    }
}
