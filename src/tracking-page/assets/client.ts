// The page's only script (inlined, allowed by its hash in the CSP). It does two things and the page
// works without it: re-renders times in the browser's own time zone, and applies live updates from
// the server-sent events stream, announcing each new status to screen readers. Written as plain ES2017
// for every browser a customer might open a link in; kept as a string so the build ships it as is.
export const CLIENT_SCRIPT = `(function(){"use strict";
var fmt=new Intl.DateTimeFormat("en-IN",{weekday:"short",day:"numeric",month:"short",hour:"numeric",minute:"2-digit",timeZoneName:"short"});
function local(root){var els=root.querySelectorAll("time[data-local]");for(var i=0;i<els.length;i++){var d=new Date(els[i].getAttribute("datetime"));if(!isNaN(d))els[i].textContent=fmt.format(d);}}
local(document);
var main=document.getElementById("main"),url=main&&main.getAttribute("data-events");
if(!url||!window.EventSource)return;
var say=document.getElementById("announce"),ndr=document.querySelector("[data-live=ndr]"),dirty=false,tries=0,es;
if(ndr)ndr.addEventListener("input",function(){dirty=true;});
function connect(){
es=new EventSource(url);
es.addEventListener("update",function(ev){
tries=0;var m=JSON.parse(ev.data);
for(var k in m.sections){var el=document.querySelector("[data-live="+k+"]");
if(!el||(k==="ndr"&&dirty))continue;el.innerHTML=m.sections[k];local(el);}
if(m.headline&&say)say.textContent="Tracking updated: "+m.headline;
document.documentElement.setAttribute("data-version",m.version);
if(m.final)es.close();});
es.onerror=function(){if(es.readyState===2&&tries<5){tries++;setTimeout(connect,5000*tries);}};}
connect();})();`;
