package dev.cutover.system;

import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * A problem's detail says what was wrong in a sentence or two. Many quote what the client sent
 * ("No runbook named '…'"); a value of megabytes is cut here, in one place, rather than echoed.
 */
@RestControllerAdvice
class ProblemDetailLength implements ResponseBodyAdvice<Object> {

    static final int MAX_DETAIL = 1_000;

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
                                  Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
                                  ServerHttpResponse response) {
        if (body instanceof ProblemDetail problem && problem.getDetail() != null
                && problem.getDetail().length() > MAX_DETAIL) {
            String detail = problem.getDetail();
            problem.setDetail(detail.substring(0, MAX_DETAIL) + "… (" + (detail.length() - MAX_DETAIL)
                    + " more characters cut)");
        }
        return body;
    }
}
